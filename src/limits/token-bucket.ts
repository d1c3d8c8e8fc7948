import type { RateRuleSpec } from '../store/rate-limit-backend.js'
import type { Figures } from './sliding-log.js'

/**
 * Slack when comparing token counts: a continuous refill adds fractions, and a count that should
 * be whole may come out a hair short. The Redis script uses the same value.
 */
export const TOKEN_EPSILON = 1e-9

/** A token bucket in memory: tokens held at `updated` (a fresh bucket is full). */
export class TokenBucket {
  tokens: number
  updated: number
  /** Beyond the rule state every rule has, a bucket holds nothing. */
  readonly bytes = 0

  constructor(burst: number, now: number) {
    this.tokens = burst
    this.updated = now
  }

  /** Refills up to `now` (never backwards); returns the time to decide at. */
  prepare(rule: RateRuleSpec, now: number): number {
    const at = Math.max(now, this.updated)
    this.tokens = Math.min(rule.burst, this.tokens + ((at - this.updated) * rule.limit) / rule.windowMs)
    this.updated = at
    return at
  }

  fits(cost: number): boolean {
    return this.tokens >= cost - TOKEN_EPSILON
  }

  /** Gives back `from - to` tokens (takes more when `to` is larger), up to the capacity. */
  settle(rule: RateRuleSpec, from: number, to: number): void {
    this.tokens = Math.min(rule.burst, this.tokens + (from - to))
  }
}

/** Fills in what a token-bucket charge reports once decided (and taken, when it was). */
export function describeBucket(bucket: TokenBucket, rule: RateRuleSpec, cost: number, out: Figures): void {
  const { tokens } = bucket
  const missing = rule.burst - tokens
  out.remaining = Math.max(0, Math.floor(tokens + TOKEN_EPSILON))
  out.resetAt = missing <= TOKEN_EPSILON ? out.at : out.at + Math.ceil((missing * rule.windowMs) / rule.limit)
  out.retryAfterMs = out.fits ? 0 : Math.ceil(((cost - tokens) * rule.windowMs) / rule.limit)
}
