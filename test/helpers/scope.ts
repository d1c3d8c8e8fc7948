import type { Clock } from '../../src/clock.js'
import { createSessionId, idDigest } from '../../src/ids.js'
import { userRecordId } from '../../src/kit/core.js'
import type { SessionScope } from '../../src/session-scope.js'
import type { SessionStore } from '../../src/store/contract.js'

const DAY = 86_400_000

/** Options of {@link makeScope}. */
export interface ScopeOptions {
  /** Default: a fresh session id. */
  readonly sessionId?: string
  /** Binds the session to a user and creates the user's record. */
  readonly userId?: string
  /** The session's idle TTL. Default 30 minutes. */
  readonly idleMs?: number
}

/**
 * A session record on `store` and the scope the facade would hand a module, made by hand so a
 * module is tested (or measured) without the facade. User records expire after 30 days.
 */
export async function makeScope(
  store: SessionStore,
  clock: Clock,
  { sessionId = createSessionId(), userId, idleMs = 30 * 60_000 }: ScopeOptions = {},
): Promise<SessionScope> {
  await store.create(sessionId, { expiresAt: clock.now() + idleMs })
  const userRecord = userId === undefined ? undefined : userRecordId(userId)
  if (userRecord !== undefined) await store.create(userRecord, { expiresAt: clock.now() + 30 * DAY })
  return {
    store,
    clock,
    sessionId,
    sessionKey: idDigest(sessionId),
    userId,
    userRecordId: userRecord,
    activityExpiresAt: () => clock.now() + idleMs,
    userExpiresAt: () => clock.now() + 30 * DAY,
  }
}
