import { SessionKitError } from '../errors.js'
import type { RecordMeta } from '../store/contract.js'

/**
 * Who is asking, on every call that reaches an existing session. A session bound to a user is
 * reachable only with that user's id; an anonymous session is reachable by anyone holding its id.
 *
 * @example
 * await kit.get(sid, { userId: req.user?.id })       // from your authentication, never from the client
 * await kit.get(sid, { trusted: true })              // a job or an admin tool
 */
export interface AccessOptions {
  /**
   * The authenticated caller's user, from your own authentication (a verified token, a login
   * cookie): never a value the client sends as is. A session bound to another user is `FORBIDDEN`,
   * and so is a bound session reached without a `userId` (unless `trusted`).
   */
  readonly userId?: string
  /**
   * Skip the "bound session needs its user" rule, for jobs and admin tools that act for every
   * user. A `userId` given as well is still compared. Default `false`.
   */
  readonly trusted?: boolean
}

/** Throws `FORBIDDEN` unless `access` may reach the session whose header is `meta`. */
export function checkAccess(meta: RecordMeta, access: AccessOptions | undefined): void {
  const owner = meta.data.u
  if (owner === undefined) return
  if (access?.userId !== undefined) {
    if (access.userId === owner) return
    throw new SessionKitError(
      'FORBIDDEN',
      'this session belongs to another user; start a new session for this user instead',
    )
  }
  if (access?.trusted === true) return
  throw new SessionKitError(
    'FORBIDDEN',
    "this session belongs to a user: pass that user's id ({ userId }) from your authentication, or { trusted: true } from a job or an admin tool",
  )
}
