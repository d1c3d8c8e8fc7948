import { isSessionKitError } from '../errors.js'
import { LOST_RACE, retryOnConflict } from '../profile/cas.js'
import type { JsonValue } from '../store/contract.js'
import type { KitCore } from './core.js'
import { userRecordExpiresAt, userRecordId } from './core.js'
import { describeSession, type SessionInfo } from './session.js'

/** The map part of a user record that lists its sessions (session id -> device and creation time). */
export const SESSIONS_PART = 'sessions'

/** How a user's record lists one session: device and creation time. */
interface Listing {
  readonly d: string | null
  readonly c: number
}

/**
 * Lists a session under its user (making the user record when it is new, extending it when not).
 * Past `users.maxSessions` live sessions, dead entries are pruned and then the oldest live
 * session is ended, with an `evicted` event whose limit is `user.maxSessions`; concurrent
 * creates for one user that take the freed place first make it try again (`concurrency` policy).
 */
export async function attachToUser(
  core: KitCore,
  userId: string,
  sessionId: string,
  deviceId: string | undefined,
  createdAt: number,
): Promise<void> {
  const { store, options } = core
  const id = userRecordId(userId)
  const expiresAt = userRecordExpiresAt(core)
  await store.create(id, { expiresAt, data: {} })
  const listing: Listing = { d: deviceId ?? null, c: createdAt }
  const set = { [sessionId]: listing as unknown as JsonValue }
  // LOST_RACE when the user is at the limit (another create may have taken the place just made).
  const list = () =>
    store.updateMap(id, SESSIONS_PART, { set }, { expiresAt, maxFields: options.userMaxSessions }).then(
      () => undefined,
      (error: unknown) => {
        if (isSessionKitError(error, 'LIMIT_EXCEEDED')) return LOST_RACE
        throw error
      },
    )
  if ((await list()) !== LOST_RACE) return
  await retryOnConflict(options.cas, `sessions of user ${userId}`, async () => {
    await makeRoom(core, userId)
    return list()
  })
}

async function makeRoom(core: KitCore, userId: string): Promise<void> {
  const live = await listUserSessions(core, userId)
  if (live.length < core.options.userMaxSessions) return
  const oldest = live[live.length - 1]
  if (oldest === undefined) return
  if (await core.store.delete(oldest.id)) {
    core.counters.evicted++
    core.events.emit('evicted', {
      sessionId: oldest.id,
      userId,
      reason: 'evicted',
      limit: 'user.maxSessions',
    })
  }
  await detachFromUser(core, userId, [oldest.id])
}

/** Removes sessions from their user's list (a missing user record is fine). */
export async function detachFromUser(
  core: KitCore,
  userId: string,
  sessionIds: readonly string[],
): Promise<void> {
  if (sessionIds.length === 0) return
  try {
    await core.store.updateMap(userRecordId(userId), SESSIONS_PART, { delete: sessionIds })
  } catch (error) {
    if (!isSessionKitError(error, 'NOT_FOUND')) throw error
  }
}

/**
 * The user's live sessions, most recently active first; listings of sessions that expired or
 * ended are pruned from the user record on the way.
 */
export async function listUserSessions(core: KitCore, userId: string): Promise<SessionInfo[]> {
  const { entries } = await core.store.getMap(userRecordId(userId), SESSIONS_PART)
  const ids = Object.keys(entries)
  const metas = await Promise.all(ids.map((id) => core.store.meta(id)))
  const live: SessionInfo[] = []
  const dead: string[] = []
  metas.forEach((meta, i) => {
    const id = ids[i] as string
    // A listing whose session now belongs to someone else (ids are random, so only by reuse) is dead too.
    if (meta === undefined || meta.data.u !== userId) dead.push(id)
    else live.push(describeSession(meta, core.options))
  })
  await detachFromUser(core, userId, dead)
  return live.sort((a, b) => b.lastActiveAt - a.lastActiveAt || b.createdAt - a.createdAt)
}
