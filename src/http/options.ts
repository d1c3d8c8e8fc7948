import { z } from 'zod'
import { checkKnownKeys, type OptionSource, optionError, parseOptions } from '../options.js'

/**
 * The session cookie. Every field is optional; the defaults are the secure ones, in brackets.
 *
 * @example
 * createSessionHandler(kit, { cookie: { name: 'chat_sid', refreshStepMs: 5 * 60_000 } })
 */
export interface SessionCookieOptions {
  /** The cookie's name, before the `__Host-` prefix: 1 to 64 of `A-Z a-z 0-9 _ -` [`sid`]. */
  readonly name?: string
  /**
   * Prefix the name with `__Host-` whenever the cookie is `Secure`, has `Path=/` and no `Domain`:
   * browsers then accept it only from this very host over HTTPS, so a sibling subdomain cannot
   * plant one [true].
   */
  readonly hostPrefix?: boolean
  /** `Secure`: `'auto'` sets it on every request but plain `http://` to localhost [`'auto'`]. */
  readonly secure?: boolean | 'auto'
  /** `SameSite` [`'lax'`]; `'none'` needs `secure: true`. */
  readonly sameSite?: 'lax' | 'strict' | 'none'
  /** `Path` [`/`]. */
  readonly path?: string
  /** `Domain`, to share the cookie with subdomains (it turns the `__Host-` prefix off) [none]. */
  readonly domain?: string
  /**
   * `Max-Age` follows the session's remaining lifetime (plus one `refreshStepMs`); `false` makes
   * a browser-session cookie, set only when the id changes [true].
   */
  readonly persistent?: boolean
  /**
   * A cookie is sent again only when the session's id changed or its expiry moved by at least
   * this much since the cookie last sent, so most responses carry no `Set-Cookie` [60_000].
   */
  readonly refreshStepMs?: number
}

/** Cookie options after validation and defaults. */
export interface ResolvedCookieOptions {
  readonly name: string
  readonly hostPrefix: boolean
  readonly secure: boolean | 'auto'
  readonly sameSite: 'lax' | 'strict' | 'none'
  readonly path: string
  readonly domain: string | undefined
  readonly persistent: boolean
  readonly refreshStepMs: number
}

const schema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 of A-Z a-z 0-9 _ -')
      .refine(
        (n) => !/^__(host|secure)-/i.test(n),
        'must not carry a __Host- or __Secure- prefix (see hostPrefix)',
      )
      .default('sid'),
    hostPrefix: z.boolean().default(true),
    secure: z.union([z.boolean(), z.literal('auto')]).default('auto'),
    sameSite: z.enum(['lax', 'strict', 'none']).default('lax'),
    path: z
      .string()
      .regex(/^\/[\x21-\x3a\x3c-\x7e]*$/, 'must start with / and hold no space, ; or control character')
      .max(1024)
      .default('/'),
    domain: z
      .string()
      .regex(
        /^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
        'must be a host name',
      )
      .max(253)
      .optional(),
    persistent: z.boolean().default(true),
    refreshStepMs: z.number().int().min(0).max(86_400_000).default(60_000),
  })
  .refine((o) => o.sameSite !== 'none' || o.secure === true, {
    message: "sameSite 'none' needs secure: true (browsers refuse it otherwise)",
    path: ['sameSite'],
  })

/**
 * Checks a handler's or middleware's options once: only `cookie` and `userId` (a typo names the
 * closest), the cookie's fields (`INVALID_CONFIG` names the bad one, `cookie.sameSite`) and
 * `userId` a function.
 */
export function parseHttpOptions(
  options: { readonly cookie?: unknown; readonly userId?: unknown },
  factory: string,
): ResolvedCookieOptions {
  const source: OptionSource = { what: factory, code: 'INVALID_CONFIG' }
  if (typeof options !== 'object' || options === null) {
    throw optionError(source, 'options', 'must be an object (or nothing)')
  }
  checkKnownKeys(options, ['cookie', 'userId'], source)
  if (options.userId !== undefined && typeof options.userId !== 'function') {
    throw optionError(source, 'userId', 'must be a function')
  }
  const cookie = parseOptions(schema, options.cookie ?? {}, source, ['cookie'])
  return { ...cookie, domain: cookie.domain }
}
