import { parseCookie, stringifySetCookie } from 'cookie'
import type { ResolvedCookieOptions } from './options.js'

/** What a request's session cookie says: the id, and the session expiry it was sent for (0: unknown). */
export interface CookieValue {
  readonly id: string | undefined
  /** Epoch ms of the session expiry when the cookie was last sent. */
  readonly stampMs: number
}

/** The cookie's settings for one request: its name and whether it is `Secure`. */
export interface CookieTarget {
  readonly name: string
  readonly secure: boolean
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])
const STAMP = /^[0-9a-z]{1,10}$/

/**
 * Name and `Secure` flag for a request to `url`: `Secure` unless off, or `'auto'` on plain
 * `http://` to a loopback host; the `__Host-` prefix whenever the browser would accept it.
 */
export function cookieTarget(
  options: ResolvedCookieOptions,
  url: { protocol: string; hostname: string },
): CookieTarget {
  const secure =
    options.secure === 'auto' ? !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)) : options.secure
  const prefixed = options.hostPrefix && secure && options.path === '/' && options.domain === undefined
  return { name: prefixed ? `__Host-${options.name}` : options.name, secure }
}

/**
 * The session cookie of a `Cookie` header, parsed by the `cookie` package. Its value is the
 * session id and, after a dot, the session expiry it was sent for in base-36 seconds, so the next
 * request knows whether the browser's copy needs refreshing without asking the store. A value the
 * client altered only makes the cookie be sent again (or expire on its owner's own browser).
 */
export function readSessionCookie(header: string | null | undefined, name: string): CookieValue {
  if (header === null || header === undefined || header === '') return { id: undefined, stampMs: 0 }
  const value = parseCookie(header)[name]
  if (value === undefined || value === '') return { id: undefined, stampMs: 0 }
  const dot = value.lastIndexOf('.')
  if (dot < 0) return { id: value, stampMs: 0 }
  const stamp = value.slice(dot + 1)
  return { id: value.slice(0, dot), stampMs: STAMP.test(stamp) ? Number.parseInt(stamp, 36) * 1000 : 0 }
}

/**
 * The `Set-Cookie` value for session `id` expiring at `expiresAt`: `HttpOnly`, `Path`,
 * `SameSite`, `Secure` as the target says, `Max-Age` from the remaining lifetime plus one refresh
 * step (so writes after the cookie was sent never outlive it), serialised by the `cookie` package.
 */
export function sessionCookie(
  options: ResolvedCookieOptions,
  target: CookieTarget,
  id: string,
  expiresAt: number,
  now: number,
): string {
  const stamp = Math.ceil(expiresAt / 1000).toString(36)
  const maxAge = Math.max(0, Math.ceil((expiresAt - now + options.refreshStepMs) / 1000))
  return stringifySetCookie({
    ...attributes(options, target),
    value: `${id}.${stamp}`,
    ...(options.persistent ? { maxAge } : {}),
  })
}

/** The `Set-Cookie` value that deletes the session cookie (same attributes, `Max-Age=0`). */
export function clearedCookie(options: ResolvedCookieOptions, target: CookieTarget): string {
  return stringifySetCookie({ ...attributes(options, target), value: '', maxAge: 0, expires: new Date(0) })
}

function attributes(options: ResolvedCookieOptions, target: CookieTarget) {
  return {
    name: target.name,
    httpOnly: true,
    secure: target.secure,
    sameSite: options.sameSite,
    path: options.path,
    ...(options.domain === undefined ? {} : { domain: options.domain }),
  }
}
