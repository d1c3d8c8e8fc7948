import { isSessionKitError } from '../errors.js'
import type { Session } from '../kit/session.js'
import type { SessionKit } from '../kit.js'
import { rateLimitHeaders } from '../limits/headers.js'
import type { Costs, Subjects } from '../limits/input.js'
import type { LimitResult } from '../limits/result.js'
import { type CookieTarget, type CookieValue, clearedCookie, sessionCookie } from './cookies.js'
import type { ResolvedCookieOptions } from './options.js'

/** Where a context writes its `Set-Cookie`: a Fetch response's headers or a Node response. */
export interface CookieSink {
  /** Throws `INVALID_ARGUMENT` when the cookie can no longer reach the response. */
  assertOpen(): void
  /** Makes `value` the response's session cookie, replacing one set before. */
  set(value: string): void
  /** Sets (replaces) the response's rate-limit headers. */
  limits(headers: Readonly<Record<string, string>>): void
}

/**
 * The session of one HTTP request, and the calls that change which session the browser holds.
 * Each of them sets the response's cookie (or clears it); the id is never put anywhere else.
 *
 * @example
 * const http = await sessions.handle(request, { userId })
 * await http.session.history.append({ role: 'user', content: q })
 * if (loggedIn) await http.login(user.id)
 */
export interface HttpSession<P, S> {
  /** The request's session: the cookie's, or a new one when it had none, a stale, forged or foreign one. */
  readonly session: Session<P, S>
  /** The session was created for this request (a new cookie is set). */
  readonly created: boolean
  /** The user this request acts for (from the `userId` option or the call), after a login the new one. */
  readonly userId: string | undefined
  /** The `Set-Cookie` value this response carries, if any (set, refreshed or cleared). */
  readonly setCookie: string | undefined
  /**
   * At login, after your own check of the credentials: binds the session to `userId` and moves it
   * to a new id (`kit.link`), or starts a new session for the user when the current one is gone
   * or another user's; sets the new cookie. A cookie planted before the login is dead after it.
   */
  login(userId: string, options?: { readonly deviceId?: string }): Promise<Session<P, S>>
  /** Ends the session (`kit.end`) and clears the cookie; the next request starts a new session. */
  logout(): Promise<void>
  /** Moves the session to a new id (`kit.regenerate`) after a privilege change; sets the new cookie. */
  regenerate(): Promise<Session<P, S>>
  /**
   * Charges the session's rate limits (`session.limits.consume`: the kit's `limits` rules, the
   * session and its user filled in) and puts the `RateLimit-*` headers, and `Retry-After` when
   * refused, on the response. On `allowed: false`, answer 429 without doing the work.
   *
   * @example
   * const r = await http.limit({ requests: 1 })
   * if (!r.allowed) return http.apply(new Response('Too many requests', { status: 429 }))
   */
  limit(costs: Costs, subjects?: Subjects): Promise<LimitResult>
}

/** The outcome of reading a request's cookie and finding (or starting) its session. */
export interface Resolved<P, S> {
  readonly session: Session<P, S>
  readonly created: boolean
  /** The cookie to send: the session's is new, or its expiry moved by a refresh step. */
  readonly refresh: boolean
}

/**
 * The session a request's cookie names, touched, or a new one for `userId`: a missing, stale,
 * ended, rotated, malformed or forged id, or one bound to another user (`FORBIDDEN`), all start
 * a fresh session under a new server-issued id. Nothing of the old session is reached.
 */
export async function resolveSession<P, S>(
  kit: SessionKit<P, S>,
  options: ResolvedCookieOptions,
  cookie: CookieValue,
  userId: string | undefined,
): Promise<Resolved<P, S>> {
  let session: Session<P, S> | undefined
  if (cookie.id !== undefined) {
    try {
      session = await kit.get(cookie.id, { ...(userId === undefined ? {} : { userId }), touch: true })
    } catch (error) {
      if (!isSessionKitError(error, 'FORBIDDEN')) throw error
    }
  }
  if (session !== undefined) {
    const moved = session.expiresAt - cookie.stampMs >= options.refreshStepMs
    return { session, created: false, refresh: options.persistent && moved }
  }
  return { session: await kit.create(userId === undefined ? {} : { userId }), created: true, refresh: true }
}

/** The one implementation of {@link HttpSession}, writing through `sink`. */
export class SessionContext<P, S> implements HttpSession<P, S> {
  session: Session<P, S>
  readonly created: boolean
  userId: string | undefined
  setCookie: string | undefined
  /** The rate-limit headers of the last `limit()`, for a response built after the handler returns. */
  protected limitHeaders: Readonly<Record<string, string>> = {}
  readonly #kit: SessionKit<P, S>
  readonly #options: ResolvedCookieOptions
  readonly #target: CookieTarget
  readonly #sink: CookieSink

  constructor(
    kit: SessionKit<P, S>,
    options: ResolvedCookieOptions,
    target: CookieTarget,
    sink: CookieSink,
    resolved: Resolved<P, S>,
    userId: string | undefined,
  ) {
    this.#kit = kit
    this.#options = options
    this.#target = target
    this.#sink = sink
    this.session = resolved.session
    this.created = resolved.created
    this.userId = userId
    if (resolved.refresh) this.#send(resolved.session)
  }

  async login(userId: string, options: { readonly deviceId?: string } = {}): Promise<Session<P, S>> {
    this.#sink.assertOpen()
    const deviceId = options.deviceId === undefined ? {} : { deviceId: options.deviceId }
    const session = await this.#kit.link(this.session.id, userId, deviceId).catch((error: unknown) => {
      if (isSessionKitError(error, 'NOT_FOUND') || isSessionKitError(error, 'FORBIDDEN')) {
        return this.#kit.create({ userId, ...deviceId })
      }
      throw error
    })
    this.userId = userId
    return this.#switch(session)
  }

  async logout(): Promise<void> {
    this.#sink.assertOpen()
    await this.#kit.end(this.session.id, this.userId === undefined ? {} : { userId: this.userId })
    this.setCookie = clearedCookie(this.#options, this.#target)
    this.#sink.set(this.setCookie)
  }

  async limit(costs: Costs, subjects?: Subjects): Promise<LimitResult> {
    this.#sink.assertOpen()
    const result = await this.session.limits.consume(costs, subjects)
    this.limitHeaders = rateLimitHeaders(result)
    this.#sink.limits(this.limitHeaders)
    return result
  }

  async regenerate(): Promise<Session<P, S>> {
    this.#sink.assertOpen()
    const access = this.userId === undefined ? {} : { userId: this.userId }
    return this.#switch(await this.#kit.regenerate(this.session.id, access))
  }

  #switch(session: Session<P, S>): Session<P, S> {
    this.session = session
    this.#send(session)
    return session
  }

  #send(session: Session<P, S>): void {
    const now = this.#kit.store.clock.now()
    this.setCookie = sessionCookie(this.#options, this.#target, session.id, session.expiresAt, now)
    this.#sink.set(this.setCookie)
  }
}
