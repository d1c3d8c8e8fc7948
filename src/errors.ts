/**
 * Every failure of the library is a `SessionKitError` with one of these codes.
 * - `INVALID_ARGUMENT`: a call got bad input; stored data is unchanged.
 * - `INVALID_CONFIG`: an option passed to a factory is wrong.
 * - `NOT_FOUND`: a write named a record that is missing or expired (reads return `undefined`).
 * - `FORBIDDEN`: the session belongs to another user.
 * - `CONFLICT`: compare-and-set lost every retry, or the id is taken.
 * - `LIMIT_EXCEEDED`: a cap (lines, quantity, message size, ...) would be passed.
 * - `STORE_UNAVAILABLE`: the store could not be reached, or could not serve the call now (down,
 *   timed out, loading, out of memory, a Cluster slot moving); the call wrote nothing or is unknown,
 *   and retrying later may work.
 * - `STORE_REJECTED`: the store answered and refused the call for a reason a retry cannot fix (an
 *   ACL permission or authentication, a key under the store's prefix that another program wrote, a
 *   script error); `details.reason` says which. Fix the configuration; do not retry in a loop.
 */
export type SessionKitErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'LIMIT_EXCEEDED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_REJECTED'

/** Extra facts an error carries for logs (the option, the limit, the issues of a schema). */
export type SessionKitErrorDetails = Readonly<Record<string, unknown>>

/**
 * The one error class of sessionkit. `code` says what went wrong; the message says what to do;
 * a foreign error that caused it is in `cause`.
 *
 * @example
 * try { await cart.add(line) } catch (e) { if (isSessionKitError(e, 'LIMIT_EXCEEDED')) ... }
 */
export class SessionKitError extends Error {
  override readonly name = 'SessionKitError'
  readonly code: SessionKitErrorCode
  readonly details: SessionKitErrorDetails | undefined

  constructor(
    code: SessionKitErrorCode,
    message: string,
    options: { cause?: unknown; details?: SessionKitErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options.details
  }
}

const codes: ReadonlySet<string> = new Set<SessionKitErrorCode>([
  'INVALID_ARGUMENT',
  'INVALID_CONFIG',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'STORE_UNAVAILABLE',
  'STORE_REJECTED',
])

/**
 * True when `error` is a `SessionKitError` (optionally with `code`), also one thrown by a
 * second copy of the package, which `instanceof` would miss: it checks `name` and `code`.
 *
 * @example
 * if (isSessionKitError(err, 'NOT_FOUND')) return reply.code(404)
 */
export function isSessionKitError(error: unknown, code?: SessionKitErrorCode): error is SessionKitError {
  if (error instanceof SessionKitError) return code === undefined || error.code === code
  if (typeof error !== 'object' || error === null) return false
  const e = error as { name?: unknown; code?: unknown }
  if (e.name !== 'SessionKitError' || typeof e.code !== 'string' || !codes.has(e.code)) return false
  return code === undefined || e.code === code
}

/** Shorthand for the most common error: bad input to a call. */
export function invalidArgument(message: string, details?: SessionKitErrorDetails): SessionKitError {
  return new SessionKitError('INVALID_ARGUMENT', message, { details })
}

/** Shorthand for a bad factory option; the message names the option. */
export function invalidConfig(message: string, details?: SessionKitErrorDetails): SessionKitError {
  return new SessionKitError('INVALID_CONFIG', message, { details })
}
