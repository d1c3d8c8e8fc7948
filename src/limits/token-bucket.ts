import type { RateRuleSpec } from '../store/rate-limit-backend.js'
import { MemoryState } from './memory-state.js'

/**
 * Slack when comparing token counts: a continuous refill adds fractions, and a count that should
 * be whole may come out a hair short. The Redis script uses the same value.
 */
export const TOKEN_EPSILON = 1e-9

/** A token bucket in memory: tokens held at `updated` (a fresh bucket is full). */
export class TokenBucket extends MemoryState {
  tokens: number
  updated: number

  constructor(burst: number, now: number) {
    super()
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

  /** Cost admissible now (whole tokens). */
  remaining(): number {
    return Math.max(0, Math.floor(this.tokens + TOKEN_EPSILON))
  }

  /** When the bucket is full again if nothing more is taken (epoch ms). */
  resetAt(rule: RateRuleSpec, at: number): number {
    const missing = rule.burst - this.tokens
    return missing <= TOKEN_EPSILON ? at : at + Math.ceil((missing * rule.windowMs) / rule.limit)
  }

  /** How long until `cost` tokens are there (ms). */
  retryAfter(rule: RateRuleSpec, cost: number): number {
    return Math.ceil(((cost - this.tokens) * rule.windowMs) / rule.limit)
  }
}
