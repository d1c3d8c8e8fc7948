import type { Clock } from './clock.js'
import { invalidArgument } from './errors.js'
import type { SessionStore } from './store/contract.js'

/**
 * What the facade hands a feature module (seen, history, preferences, cart, state) for one
 * session: the store, the record ids, and how to count a write as activity. Modules never
 * import each other or the facade; they only see this.
 */
export interface SessionScope {
  readonly store: SessionStore
  readonly clock: Clock
  /** The session's record id (its session id). It changes when the session is rotated. */
  readonly sessionId: string
  /**
   * A name of the session that survives rotation (login, `regenerate`) and is no credential: a
   * digest of the session's first id. What another record stores to refer to this session.
   */
  readonly sessionKey: string
  /** The user the session is bound to, when it is. */
  readonly userId: string | undefined
  /** The user scope's record id (`user:<userId>`), when the session is bound to a user. */
  readonly userRecordId: string | undefined
  /**
   * The expiry a write should pass as `WriteOptions.expiresAt` so it counts as activity:
   * `min(now + idleMs, absolute end)`.
   */
  activityExpiresAt(): number
  /** The expiry to pass when writing to the user scope record (its own, longer TTL). */
  userExpiresAt(): number
}

/**
 * Checks that `scope` looks like a `SessionScope` (a module factory called by hand with the wrong
 * thing fails with `INVALID_ARGUMENT`, not a TypeError later).
 *
 * @example
 * assertScope(scope, 'createHistory')
 */
export function assertScope(scope: unknown, what: string): asserts scope is SessionScope {
  const s = scope as Partial<SessionScope> | null | undefined
  const ok =
    typeof s === 'object' &&
    s !== null &&
    typeof s.sessionId === 'string' &&
    typeof s.store === 'object' &&
    s.store !== null &&
    typeof s.clock?.now === 'function' &&
    typeof s.activityExpiresAt === 'function'
  if (!ok)
    throw invalidArgument(
      `${what} takes a session scope (a kit's Session, or one made by hand); got ${s === null ? 'null' : typeof s}`,
    )
}

/**
 * Checks that `options` came from the module's parse function (it holds `field`, of `type`).
 *
 * @example
 * assertParsed(options, 'maxMessages', 'number', 'createHistory', 'parseHistoryOptions')
 */
export function assertParsed(
  options: unknown,
  field: string,
  type: string,
  what: string,
  parser: string,
): void {
  if (
    typeof options !== 'object' ||
    options === null ||
    typeof (options as Record<string, unknown>)[field] !== type
  ) {
    throw invalidArgument(`${what} takes options from ${parser}(...)`)
  }
}
