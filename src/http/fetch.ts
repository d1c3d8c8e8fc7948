import type { SessionKit } from '../kit.js'
import type { JsonValue } from '../store/contract.js'
import { type HttpSession, resolveSession, SessionContext } from './context.js'
import { cookieTarget, readSessionCookie } from './cookies.js'
import { parseHttpOptions, type SessionCookieOptions } from './options.js'

/** Who a request acts for: from your own authentication (a verified token), never a value the client sends as is. */
export type UserIdOf<R> = (request: R) => string | undefined | Promise<string | undefined>

/**
 * Options of {@link createSessionHandler}.
 *
 * @example
 * createSessionHandler(kit, { userId: (req) => verifyLogin(req.headers.get('authorization')), cookie: { name: 'sid' } })
 */
export interface SessionHandlerOptions {
  /** The session cookie (secure defaults; see `SessionCookieOptions`). */
  readonly cookie?: SessionCookieOptions
  /** The authenticated user of a request, checked against a session's owner [none: anonymous]. */
  readonly userId?: UserIdOf<Request>
}

/** The session of a Fetch `Request`, and the headers to put on its `Response`. */
export interface FetchSession<P, S> extends HttpSession<P, S> {
  /**
   * The headers the response must carry: `Set-Cookie` when the cookie was set, refreshed or
   * cleared; the `RateLimit-*` headers (and `Retry-After`) after `limit()`.
   */
  readonly headers: Headers
  /**
   * Adds {@link FetchSession.headers} to `response` and returns it; a response whose headers are
   * immutable (one `fetch` returned) is copied first.
   */
  apply(response: Response): Response
}

/**
 * Sessions for the Fetch API (Hono, Next.js route handlers, Bun, Deno, Node's `Request`): reads
 * the session cookie of a `Request`, finds or starts its session, and gives the headers to set
 * on the `Response`.
 *
 * @example
 * const http = await sessions.handle(request)
 * return http.apply(Response.json({ sessionId: http.session.id }))
 */
export interface SessionHandler<P, S> {
  /**
   * The request's session: the cookie's (touched: it counts as activity), or a new one when the
   * cookie is missing, stale, forged or names another user's session. `userId` overrides the
   * `userId` option for this call.
   */
  handle(request: Request, access?: { readonly userId?: string }): Promise<FetchSession<P, S>>
}

/**
 * Makes a Fetch-API session handler over `kit`. Cookie options are checked once here
 * (`INVALID_CONFIG` names the bad one).
 *
 * @example
 * const sessions = createSessionHandler(kit)
 * export async function GET(request: Request) {
 *   const http = await sessions.handle(request)
 *   return http.apply(Response.json(await http.session.cart.totals()))
 * }
 */
export function createSessionHandler<P = Record<string, JsonValue>, S = JsonValue>(
  kit: SessionKit<P, S>,
  options: SessionHandlerOptions = {},
): SessionHandler<P, S> {
  const cookie = parseHttpOptions(options, 'createSessionHandler')
  return {
    async handle(request, access) {
      const target = cookieTarget(cookie, new URL(request.url))
      const userId = access?.userId ?? (await options.userId?.(request))
      const value = readSessionCookie(request.headers.get('cookie'), target.name)
      const resolved = await resolveSession(kit, cookie, value, userId)
      // A Fetch response is built after the handler returns: the headers wait on the context.
      const sink = { assertOpen() {}, set() {}, limits() {} }
      return new FetchContext(kit, cookie, target, sink, resolved, userId)
    },
  }
}

class FetchContext<P, S> extends SessionContext<P, S> implements FetchSession<P, S> {
  get headers(): Headers {
    const headers = new Headers()
    this.#addTo(headers)
    return headers
  }

  apply(response: Response): Response {
    if (this.setCookie === undefined && Object.keys(this.limitHeaders).length === 0) return response
    try {
      this.#addTo(response.headers)
      return response
    } catch {
      // Headers of a response from fetch() are immutable: copy it.
      const copy = new Response(response.body, response)
      this.#addTo(copy.headers)
      return copy
    }
  }

  #addTo(headers: Headers): void {
    if (this.setCookie !== undefined) headers.append('set-cookie', this.setCookie)
    for (const [name, value] of Object.entries(this.limitHeaders)) headers.set(name, value)
  }
}
