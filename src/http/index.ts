// The public API of 'sessionkit/http'. Re-exports only.
export type { HttpSession } from './context.js'
export {
  createSessionHandler,
  type FetchSession,
  type SessionHandler,
  type SessionHandlerOptions,
  type UserIdOf,
} from './fetch.js'
export {
  createSessionMiddleware,
  type SessionMiddleware,
  type SessionMiddlewareOptions,
  type SessionOf,
  type SessionRequest,
} from './node.js'
export type { SessionCookieOptions } from './options.js'
