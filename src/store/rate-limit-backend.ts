import type { SessionKitError } from '../errors.js'

/**
 * The part of a rule a backend needs: how to count, and how much. Rules are checked by the
 * limiter before they reach a backend.
 */
export interface RateRuleSpec {
  /** Unique among the limiter's rules; names the rule's state under its subject. */
  readonly name: string
  /**
   * `sliding-window`: an exact log of (time, cost) entries, one per admitted request in the window.
   * `token-bucket`: `burst` tokens, refilled at `limit` per `windowMs`.
   */
  readonly algorithm: 'sliding-window' | 'token-bucket'
  /** Most cost admitted in any window of `windowMs` (sliding), or the refill per `windowMs` (bucket). */
  readonly limit: number
  readonly windowMs: number
  /** The bucket's capacity (equal to `limit` for a sliding window). */
  readonly burst: number
}

/** One rule to charge for one subject in a `consume`. */
export interface RateCharge {
  readonly rule: RateRuleSpec
  /** `<kind>:<id>` (`session:q3Vx...`, `user:u1`, `tenant:acme`): whose state this is. */
  readonly subject: string
  /** A non-negative integer; 0 reports the rule's state without charging. */
  readonly cost: number
}

/** What a backend answers for one charge. */
export interface RateOutcome {
  /** This rule alone admits the cost now. */
  readonly fits: boolean
  /** The cost was taken: every charge of the same atomic step fitted. */
  readonly taken: boolean
  /**
   * The time the backend decided at (epoch ms): the caller's clock, or the log's own (the latest
   * time it changed at) when the caller's is behind it, so a log never goes back in time.
   */
  readonly at: number
  /** Cost still admissible now, after this charge when taken (never below 0). */
  readonly remaining: number
  /** When the whole limit is available again if nothing more is charged (epoch ms). */
  readonly resetAt: number
  /** When the charge did not fit: how long until it would (ms); 0 otherwise. */
  readonly retryAfterMs: number
  /** A taken sliding-window charge: the sequence number of its log entry (for `settle`); else 0. */
  readonly seq: number
}

/** A charge whose part of the backend failed (a Redis node down or slow). */
export interface RateFailure {
  readonly error: SessionKitError
}

/** A change `settle` makes to one taken charge: its cost becomes `to` (0 gives it all back). */
export interface RateSettlement {
  readonly rule: RateRuleSpec
  readonly subject: string
  /** The outcome's `at` and `seq` when the charge was taken. */
  readonly at: number
  readonly seq: number
  /** The cost taken (or last settled). */
  readonly from: number
  readonly to: number
}

/**
 * Rate-limit state kept by a store (`SessionStore.rateLimits`), for `createRateLimiter`. A store
 * that offers none (the memory store) leaves the limiter to keep its state in process memory.
 *
 * Rules a backend keeps:
 * - the charges of one atomic step are all taken or none (a backend states which charges share a
 *   step; the limiter gives back what a step took when another step refused);
 * - a sliding window never admits more than `limit` in any window of `windowMs` and admits
 *   whenever the cost fits in what the window holds, by the times it records;
 * - keys expire by themselves, and no timer runs per key.
 */
export interface RateLimitBackend {
  /** Checks every charge and takes those of each atomic step that fits whole. One outcome per charge, in order. */
  consume(charges: readonly RateCharge[], now: number): Promise<readonly (RateOutcome | RateFailure)[]>
  /** Changes the cost of taken charges; a charge whose entry has left its window is left alone. */
  settle(settlements: readonly RateSettlement[], now: number): Promise<void>
}
