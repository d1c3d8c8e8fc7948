import type { SessionKitError } from '../errors.js'

/** One rule's answer in a `consume`. */
export interface RuleResult {
  readonly name: string
  /** `<kind>:<id>` the rule counted for. */
  readonly subject: string
  /** The rule's limit (a bucket's capacity, `burst`). */
  readonly limit: number
  /** Still admissible now, after this call's charge when it was admitted. */
  readonly remaining: number
  /** Epoch ms when the whole limit is available again, if nothing more is charged. */
  readonly resetAt: number
  /** 0 when this rule admits the cost; otherwise how long until it would (ms). */
  readonly retryAfterMs: number
  /** This rule admits the cost (the call may still be refused by another rule). */
  readonly allowed: boolean
  /** The rule's store could not be reached; `allowed` follows its `onStoreError`. */
  readonly storeError: boolean
}

/**
 * What `settle` and `refund` need to correct a `consume`: JSON-safe, so it may be kept with the
 * request or passed to another process. Keep it on the server: it names whose quota to change.
 */
export interface Reservation {
  readonly charges: readonly {
    readonly rule: string
    readonly subject: string
    readonly cost: number
    /** When the backend recorded it, and its log entry (sliding window; 0 for a bucket). */
    readonly at: number
    readonly seq: number
  }[]
}

/**
 * The answer of `consume`. The top-level `limit`, `remaining`, `resetAt` and `retryAfterMs` are
 * those of the binding rule (`rule`): when refused, the limited rule that frees up last; when
 * admitted, the rule with the smallest share left. `rateLimitHeaders(result)` turns them into headers.
 *
 * @example
 * const r = await limiter.consume({ session: s.id }, { requests: 1 })
 * if (!r.allowed) return reply(429, rateLimitHeaders(r))
 */
export interface LimitResult {
  /** Every applicable rule admitted the costs, and all of them were taken. */
  readonly allowed: boolean
  /** Names of the rules that refused. */
  readonly limited: readonly string[]
  /** The binding rule, or `undefined` when no rule applied. */
  readonly rule: string | undefined
  readonly limit: number
  readonly remaining: number
  readonly resetAt: number
  /** 0 when allowed; otherwise how long until the same call would be admitted (ms). */
  readonly retryAfterMs: number
  /** The limiter's clock when it decided (epoch ms). */
  readonly at: number
  /** Every applicable rule's answer, in rule order. */
  readonly rules: readonly RuleResult[]
  /** For `settle`/`refund`, when allowed. */
  readonly reservation: Reservation | undefined
  /** The store failure behind rules answered by their `onStoreError`. */
  readonly storeError: SessionKitError | undefined
}
