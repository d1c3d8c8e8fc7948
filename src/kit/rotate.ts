import { isSessionKitError, SessionKitError } from '../errors.js'
import { idDigest } from '../ids.js'
import type { RecordMeta } from '../store/contract.js'
import { absoluteEndOf, type KitCore, type SessionData } from './core.js'
import { attachToUser, detachFromUser } from './users.js'

/** What a rotation changes besides the id. */
export interface Rotation {
  /** Bind the session to this user (login). Default: its current user, if any. */
  readonly userId?: string
  /** The device, when the caller names it. Default: the current one. */
  readonly deviceId?: string
  /** Start a new absolute lifetime from now (login); otherwise the session keeps its end. */
  readonly renew: boolean
}

/**
 * Moves the session `meta` describes to a fresh id with one store call (`rename`), which ends the
 * old id (a tombstone until the new absolute end keeps it from ever being issued again), then lists
 * the new id under its user and unlists the old one. The rename only happens while the session's
 * owner is still the one read in `meta`, so of concurrent logins of one session one wins; the others
 * find the old id gone (`NOT_FOUND`) or, when the owner changed in place, get `FORBIDDEN`.
 */
export async function rotate(core: KitCore, meta: RecordMeta, change: Rotation): Promise<RecordMeta> {
  const { store, options } = core
  const data = meta.data as SessionData
  const now = core.clock.now()
  const absoluteEnd = change.renew ? now + options.absoluteMs : absoluteEndOf(meta, options)
  const userId = change.userId ?? data.u
  const deviceId = change.deviceId ?? data.d
  const toId = store.renameTarget(meta.id)
  let moved: RecordMeta | undefined
  try {
    moved = await store.rename(meta.id, toId, {
      tombstoneUntil: absoluteEnd,
      expiresAt: Math.min(now + options.idleMs, absoluteEnd),
      ifData: { u: data.u ?? null },
      // The session key stays what it was under the first id (see SessionScope.sessionKey).
      patch: {
        u: userId ?? null,
        d: deviceId ?? null,
        ...(change.renew ? { a: absoluteEnd } : {}),
        k: data.k ?? idDigest(meta.id),
      },
    })
  } catch (error) {
    if (!isSessionKitError(error, 'NOT_FOUND')) throw error
    throw new SessionKitError(
      'NOT_FOUND',
      'the session has expired, ended or been rotated by a concurrent call (its id changes at login and on regenerate); use the current session id or start a new session',
      { cause: error },
    )
  }
  if (moved === undefined) {
    throw new SessionKitError(
      'FORBIDDEN',
      'the session was bound to another user meanwhile; it cannot be rotated',
    )
  }
  if (userId !== undefined) await attachToUser(core, userId, toId, deviceId, meta.createdAt)
  if (data.u !== undefined) await detachFromUser(core, data.u, [meta.id])
  core.counters.rotated++
  core.events.emit('rotated', { sessionId: toId, previousSessionId: meta.id, userId })
  return moved
}
