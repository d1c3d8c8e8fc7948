import { assertRecordId, idDigest } from '../ids.js'
import type { JsonValue, PartDump, RecordDump } from '../store/contract.js'
import { absoluteEndOf, type KitCore, type SessionData, USER_RECORD_PREFIX, userRecordId } from './core.js'
import { listUserSessions, SESSIONS_PART } from './users.js'

/** Options of `kit.users.export` and `kit.users.erase`. */
export interface UserDataOptions {
  /**
   * Also walk every record of the store (`scan`) for sessions bound to the user that their user
   * record does not list (a crash between a session's creation and its listing; a memory store
   * that evicted the user record). Costs a read per record: for the rare request that must be
   * complete beyond doubt. Default `false`: the sessions the user record lists.
   */
  readonly scan?: boolean
}

/** What `kit.users.erase` reports. */
export interface ErasureReport {
  /** Sessions of the user deleted by this call (0 when a first call already erased them). */
  readonly sessions: number
  /** Whether the user record (sessions list, user-level seen items) was there and is now gone. */
  readonly userRecord: boolean
}

/**
 * A user's data across all their sessions, for access and erasure requests (GDPR articles 15 and 17).
 *
 * @example
 * await pipeline(Readable.from(kit.users.export(userId)), res)   // streams one JSON document
 * await kit.users.erase(userId)                                  // { sessions: 3, userRecord: true }
 */
export interface UserData {
  /**
   * Everything stored for the user, as one JSON document streamed in chunks (one per session):
   * `{ format, userId, exportedAt, user, sessions: [...] }`, each session with its header facts
   * and every part (history, summaries, seen items, preferences, cart, state, cache) as stored.
   * Session ids are credentials, so each session is named by a digest of its id, never the id.
   * `INVALID_ARGUMENT` for a malformed user id (on the first chunk).
   */
  export(userId: string, options?: UserDataOptions): AsyncIterable<string>
  /**
   * Deletes everything stored for the user: every session bound to them (with its history,
   * summaries, seen items, preferences, cart, state and cache; each emits `ended`) and the user
   * record (the sessions list and user-level seen items). Idempotent. Ended ids keep their
   * tombstones, which are keyed by a digest and hold no data. Stop creating sessions for the user
   * first (disable the account): one created during the call may survive it.
   */
  erase(userId: string, options?: UserDataOptions): Promise<ErasureReport>
}

/** The `kit.users` object of one kit. */
export function createUserData(core: KitCore): UserData {
  return {
    export: (userId, options) => exportUser(core, userId, options),
    async erase(userId, options) {
      assertRecordId(userId, 'userId')
      let sessions = 0
      for (const id of await sessionIdsOf(core, userId, options)) {
        const meta = await core.store.meta(id)
        if (meta?.data.u !== userId || !(await core.store.delete(id))) continue
        sessions++
        core.counters.ended++
        core.events.emit('ended', { sessionId: id, userId, reason: 'ended' })
      }
      const userRecord = await core.store.delete(userRecordId(userId))
      return { sessions, userRecord }
    },
  }
}

async function* exportUser(
  core: KitCore,
  userId: string,
  options: UserDataOptions | undefined,
): AsyncGenerator<string, void, undefined> {
  assertRecordId(userId, 'userId')
  const user = await core.store.readRecord(userRecordId(userId))
  const head = { format: 'sessionkit.user-export/1', userId, exportedAt: core.clock.now() }
  yield `${JSON.stringify(head).slice(0, -1)},"user":${JSON.stringify(user === undefined ? null : userView(user))},"sessions":[`
  let first = true
  for (const id of await sessionIdsOf(core, userId, options)) {
    const dump = await core.store.readRecord(id)
    if (dump?.meta.data.u !== userId) continue
    yield `${first ? '' : ','}${JSON.stringify(sessionView(dump, core.options.absoluteMs))}`
    first = false
  }
  yield ']}'
}

/** The ids of the user's live sessions: the listed ones, and with `scan` every other record's too. */
async function sessionIdsOf(
  core: KitCore,
  userId: string,
  options: UserDataOptions | undefined,
): Promise<string[]> {
  const ids = new Set((await listUserSessions(core, userId)).map((info) => info.id))
  if (options?.scan === true) {
    for await (const batch of core.store.scan()) {
      for (const id of batch) if (!id.startsWith(USER_RECORD_PREFIX)) ids.add(id)
    }
  }
  return [...ids]
}

function sessionView(dump: RecordDump, absoluteMs: number): Record<string, unknown> {
  const data = dump.meta.data as SessionData
  return {
    session: idDigest(dump.meta.id),
    userId: data.u,
    deviceId: data.d,
    createdAt: dump.meta.createdAt,
    expiresAt: dump.meta.expiresAt,
    absoluteExpiresAt: absoluteEndOf(dump.meta, { absoluteMs }),
    parts: dump.parts,
  }
}

/** The user record, its sessions list keyed by digests of the ids like the sessions themselves. */
function userView(dump: RecordDump): Record<string, unknown> {
  const parts: Record<string, PartDump> = { ...dump.parts }
  const listing = parts[SESSIONS_PART]
  if (listing?.kind === 'map') {
    const entries: Record<string, JsonValue> = {}
    for (const [id, value] of Object.entries(listing.entries)) entries[idDigest(id)] = value
    parts[SESSIONS_PART] = { ...listing, entries }
  }
  return { createdAt: dump.meta.createdAt, expiresAt: dump.meta.expiresAt, parts }
}
