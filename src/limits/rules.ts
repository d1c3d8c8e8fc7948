import type { RateRuleSpec } from '../store/rate-limit-backend.js'

/** What a rule does when its store cannot be reached: admit (`allow`) or refuse (`deny`). */
export type StoreErrorPolicy = 'allow' | 'deny'

/** Fields every rule has. */
interface RuleBase {
  /** Unique among the rules: `requests`, `session-requests`. A lower-case letter, then up to 63 of `A-Z a-z 0-9 _ -`. */
  readonly name: string
  /**
   * Whose quota it is: `session`, `user`, `tenant`, or any kind the caller names (`ip`, `model`).
   * A rule applies to a `consume` that names this subject.
   */
  readonly per: string
  /** The cost it charges, by key of `consume`'s costs [its `name`]: two rules may charge `requests`. */
  readonly cost?: string
  /** When the store cannot be reached: `allow` admits, `deny` refuses [`deny`]. */
  readonly onStoreError?: StoreErrorPolicy
}

/**
 * An exact sliding window: never more than `limit` admitted in any window of `windowMs`, and a
 * request admitted whenever its cost fits in what the last `windowMs` holds. Kept as a log of
 * (time, cost) entries, one per admitted request in the window.
 *
 * @example
 * const rule: SlidingWindowRule = { name: 'requests', per: 'session', limit: 60, windowMs: 60_000 }
 */
export interface SlidingWindowRule extends RuleBase {
  readonly algorithm?: 'sliding-window'
  /** Most cost admitted in any window (1 to 10^12). */
  readonly limit: number
  readonly windowMs: number
}

/**
 * A token bucket: up to `burst` at once, then `limit` per `windowMs` on average (refilled
 * continuously). For quotas that allow a burst and then a steady rate.
 *
 * @example
 * const rule: TokenBucketRule = { name: 'burst', per: 'user', algorithm: 'token-bucket', limit: 60, windowMs: 60_000, burst: 10 }
 */
export interface TokenBucketRule extends RuleBase {
  readonly algorithm: 'token-bucket'
  /** Tokens added per `windowMs` (1 to 10^12). */
  readonly limit: number
  readonly windowMs: number
  /** The bucket's capacity, and the largest cost one call can take [`limit`]. */
  readonly burst?: number
}

/**
 * A rule of `createRateLimiter` (or the kit option `limits.rules`).
 *
 * @example
 * const rules: RateRule[] = [
 *   { name: 'requests', per: 'session', limit: 60, windowMs: 60_000 },
 *   { name: 'tokens', per: 'user', limit: 100_000, windowMs: 3_600_000 },
 * ]
 */
export type RateRule = SlidingWindowRule | TokenBucketRule

/** A rule after validation: every default filled in. */
export interface CompiledRule extends RateRuleSpec {
  readonly per: string
  readonly cost: string
  readonly onStoreError: StoreErrorPolicy
}

/** Largest `limit`, `burst` and cost: far above any real quota, and exact in a double. */
export const MAX_AMOUNT = 1e12

/** Rule names and cost keys: safe as Redis key parts and hash fields. */
export const NAME_PATTERN = /^[a-z][A-Za-z0-9_-]{0,63}$/

/** Subject kinds (`per`). */
export const KIND_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/

/** The subject kinds the facade fills in, known even when no rule uses them. */
export const BUILT_IN_KINDS: readonly string[] = ['session', 'user', 'tenant']
