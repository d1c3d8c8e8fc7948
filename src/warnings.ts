import { invalidArgument } from './errors.js'
/**
 * The stable code of every warning sessionkit emits. A warning never changes stored data or the
 * result of a call; it tells the operator something went wrong beside the call.
 * - `SESSIONKIT_LISTENER_FAILED`: an event listener (`kit.on`, `store.subscribe`) threw; the
 *   others still ran.
 * - `SESSIONKIT_SNAPSHOT_FAILED`: a memory-store snapshot could not be read (the file was moved
 *   aside) or an interval save failed; the store keeps serving from memory.
 * - `SESSIONKIT_SUMMARY_FAILED`: the summariser threw, timed out or returned no text; the
 *   extractive fallback was stored instead and no message was lost.
 * - `SESSIONKIT_USER_UNLIST_FAILED`: an expired session could not be removed from its user's
 *   list; the next listing of that user prunes it.
 * - `SESSIONKIT_DETECTION_DEGRADED`: the detector dropped conversations that were still active
 *   to stay under `maxSessions` (their next requests start `fragmented` sessions: raise
 *   `maxSessions`), or a shared detection index failed and detections come from the replica's
 *   local index (`degraded: true`). At most one a minute per detector.
 * - `SESSIONKIT_RATE_LIMIT_STORE_FAILED`: a rate limiter's store could not be reached and its
 *   rules answered by their `onStoreError` (`deny` refuses every call). At most one a minute
 *   per limiter.
 * - `SESSIONKIT_EXPIRY_EVENTS_FAILED`: a Redis store with `expiryEvents: true` could not start
 *   listening for keyspace notifications; no `expired` event is heard until the next
 *   `subscribe()` tries again.
 */
export type SessionKitWarningCode =
  | 'SESSIONKIT_LISTENER_FAILED'
  | 'SESSIONKIT_SNAPSHOT_FAILED'
  | 'SESSIONKIT_SUMMARY_FAILED'
  | 'SESSIONKIT_USER_UNLIST_FAILED'
  | 'SESSIONKIT_DETECTION_DEGRADED'
  | 'SESSIONKIT_RATE_LIMIT_STORE_FAILED'
  | 'SESSIONKIT_EXPIRY_EVENTS_FAILED'

/** Every warning code, in a fixed order (for docs, alerts and tests). */
export const warningCodes: readonly SessionKitWarningCode[] = [
  'SESSIONKIT_LISTENER_FAILED',
  'SESSIONKIT_SNAPSHOT_FAILED',
  'SESSIONKIT_SUMMARY_FAILED',
  'SESSIONKIT_USER_UNLIST_FAILED',
  'SESSIONKIT_DETECTION_DEGRADED',
  'SESSIONKIT_RATE_LIMIT_STORE_FAILED',
  'SESSIONKIT_EXPIRY_EVENTS_FAILED',
]

/** One warning: what happened (`code`, stable), a message for the log, and the error behind it. */
export interface SessionKitWarning {
  readonly code: SessionKitWarningCode
  readonly message: string
  readonly cause?: unknown
}

/**
 * Receives every warning of a kit, store or detector (their `onWarning` option). Default:
 * {@link emitProcessWarning}.
 *
 * @example
 * createSessionKit({ onWarning: (w) => logger.warn({ code: w.code, err: w.cause }, w.message) })
 */
export type WarningHandler = (warning: SessionKitWarning) => void

/**
 * The default {@link WarningHandler}: `process.emitWarning` with the warning's code, type
 * `SessionKitWarning`, and the cause's stack as the detail.
 *
 * @example
 * process.on('warning', (w) => { if (w.name === 'SessionKitWarning') alert(w.code) })
 */
export function emitProcessWarning(warning: SessionKitWarning): void {
  if (typeof warning?.code !== 'string' || typeof warning.message !== 'string') {
    throw invalidArgument('emitProcessWarning takes a warning: { code, message, cause? }')
  }
  const cause = warning.cause
  const detail = cause instanceof Error ? cause.stack : cause === undefined ? undefined : String(cause)
  process.emitWarning(warning.message, {
    type: 'SessionKitWarning',
    code: warning.code,
    ...(detail === undefined ? {} : { detail }),
  })
}

/**
 * Hands a warning to `handler`. A handler that throws must not break the call that warned, so
 * its error goes to the process warning instead, with the original warning.
 */
export function warn(
  handler: WarningHandler | undefined,
  code: SessionKitWarningCode,
  message: string,
  cause?: unknown,
): void {
  const warning: SessionKitWarning = cause === undefined ? { code, message } : { code, message, cause }
  if (handler === undefined) {
    emitProcessWarning(warning)
    return
  }
  try {
    handler(warning)
  } catch (error) {
    emitProcessWarning(warning)
    emitProcessWarning({ code, message: `the onWarning handler threw: ${errorText(error)}`, cause: error })
  }
}

/**
 * A gate for warnings that repeat while a fault lasts (a store down answers every call): `true`
 * at most once per `intervalMs` of `now()`, so the log gets one line a minute, not one a call.
 */
export function warningGate(now: () => number, intervalMs = 60_000): () => boolean {
  let last = Number.NEGATIVE_INFINITY
  return () => {
    const t = now()
    if (t - last < intervalMs) return false
    last = t
    return true
  }
}

/** The message of an error, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
