import { invalidArgument } from '../errors.js'
import type { LimitResult } from './result.js'

/**
 * The standard rate-limit headers for a `consume` result, from its binding rule:
 * `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds from now until the whole
 * limit is back, as the IETF RateLimit header fields draft defines it) and, when refused,
 * `Retry-After` in whole seconds, rounded up so it is never shorter than `retryAfterMs`.
 * Empty when no rule applied.
 *
 * @example
 * if (!r.allowed) { res.writeHead(429, rateLimitHeaders(r)); return res.end() }
 */
export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  if (typeof result !== 'object' || result === null) {
    throw invalidArgument('rateLimitHeaders takes the result of a consume() call')
  }
  if (result.rule === undefined) return {}
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(result.limit),
    'RateLimit-Remaining': String(result.remaining),
    'RateLimit-Reset': String(Math.max(0, Math.ceil((result.resetAt - result.at) / 1000))),
  }
  if (!result.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)))
  return headers
}
