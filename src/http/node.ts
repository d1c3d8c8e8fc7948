import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { invalidArgument } from '../errors.js'
import type { Session } from '../kit/session.js'
import type { SessionKit } from '../kit.js'
import type { JsonValue } from '../store/contract.js'
import { type CookieSink, type HttpSession, resolveSession, SessionContext } from './context.js'
import { cookieTarget, readSessionCookie } from './cookies.js'
import type { UserIdOf } from './fetch.js'
import { parseHttpOptions, type SessionCookieOptions } from './options.js'

/**
 * Options of {@link createSessionMiddleware}.
 *
 * @example
 * createSessionMiddleware(kit, { userId: (req) => (req as express.Request).user?.id })
 */
export interface SessionMiddlewareOptions {
  /** The session cookie (secure defaults; see `SessionCookieOptions`). */
  readonly cookie?: SessionCookieOptions
  /** The authenticated user of a request (set by your authentication middleware before this one) [none]. */
  readonly userId?: UserIdOf<IncomingMessage>
}

/** A request the middleware handled: `req.session` is its session, `req.sessionkit` the calls that change it. */
export type SessionRequest<P = Record<string, JsonValue>, S = JsonValue> = IncomingMessage & {
  readonly session: Session<P, S>
  readonly sessionkit: HttpSession<P, S>
}

/** The session type of a kit: `SessionOf<typeof kit>`, for typing `req.session`. */
export type SessionOf<K> = K extends SessionKit<infer P, infer S> ? Session<P, S> : never

/**
 * A Connect/Express middleware (Express 4 and 5, Fastify through `@fastify/express`) that sets
 * `req.session` and `req.sessionkit`, and the session cookie on `res` before the route runs.
 */
export interface SessionMiddleware<P, S> {
  (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void
  /** The typed session context of a request this middleware handled; `INVALID_ARGUMENT` otherwise. */
  of(req: IncomingMessage): HttpSession<P, S>
}

const contexts = new WeakMap<IncomingMessage, HttpSession<unknown, unknown>>()

/**
 * Makes the Connect/Express middleware over `kit`: reads the session cookie, finds or starts the
 * session (a stale, forged or foreign cookie gets a new session and a new cookie), and sets
 * `Set-Cookie` on `res` at once, so it leaves with the headers whatever the route writes.
 * `req.sessionkit.login(userId)`, `.logout()` and `.regenerate()` rotate and set the cookie
 * again; call them before writing the body. Options are checked here (`INVALID_CONFIG`).
 *
 * @example
 * const sessions = createSessionMiddleware(kit)
 * app.use(sessions)
 * app.post('/cart', async (req, res) => res.json(await sessions.of(req).session.cart.add(req.body)))
 */
export function createSessionMiddleware<P = Record<string, JsonValue>, S = JsonValue>(
  kit: SessionKit<P, S>,
  options: SessionMiddlewareOptions = {},
): SessionMiddleware<P, S> {
  const cookie = parseHttpOptions(options, 'createSessionMiddleware')

  async function attach(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = cookieTarget(cookie, requestUrl(req))
    const userId = await options.userId?.(req)
    const value = readSessionCookie(req.headers.cookie, target.name)
    const resolved = await resolveSession(kit, cookie, value, userId)
    const context = new SessionContext(kit, cookie, target, nodeSink(res, target.name), resolved, userId)
    contexts.set(req, context as HttpSession<unknown, unknown>)
    Object.defineProperties(req, {
      session: { get: () => context.session, configurable: true, enumerable: true },
      sessionkit: { value: context, configurable: true, enumerable: true },
    })
  }

  const middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    attach(req, res).then(() => next(), next)
  }
  return Object.assign(middleware, {
    of(req: IncomingMessage): HttpSession<P, S> {
      const context = contexts.get(req)
      if (context === undefined) {
        throw invalidArgument(
          'this request did not pass through the session middleware: app.use(sessions) first',
        )
      }
      return context as HttpSession<P, S>
    },
  })
}

/** The scheme and host the browser used, as far as the cookie's `Secure` default needs them. */
function requestUrl(req: IncomingMessage): { protocol: string; hostname: string } {
  const protocol = (req.socket as TLSSocket | undefined)?.encrypted === true ? 'https:' : 'http:'
  try {
    return { protocol, hostname: new URL(`http://${req.headers.host ?? ''}`).hostname }
  } catch {
    // An unreadable Host is not a loopback one: the cookie stays Secure.
    return { protocol, hostname: '' }
  }
}

/** Sets the session cookie on a Node response, keeping every other `Set-Cookie` the app set. */
function nodeSink(res: ServerResponse, name: string): CookieSink {
  return {
    assertOpen() {
      if (res.headersSent) {
        throw invalidArgument(
          'the response has started, so a new session cookie cannot be sent: call login(), logout() and regenerate() before writing the body',
        )
      }
    },
    set(value) {
      const current = res.getHeader('set-cookie')
      const others = (
        Array.isArray(current) ? current : current === undefined ? [] : [String(current)]
      ).filter((c) => !c.startsWith(`${name}=`))
      res.setHeader('set-cookie', [...others, value])
    },
    limits(headers) {
      for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']) {
        res.removeHeader(name)
      }
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    },
  }
}
