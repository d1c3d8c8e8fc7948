import type { SessionKitError } from '../errors.js'
import type { RateOutcome } from '../store/rate-limit-backend.js'
import type { CompiledRule } from './rules.js'

/**
 * The charges of one `consume`, column by column: one row per rule whose subject is named and
 * whose cost is given. The memory path reuses one set of columns for every call (a consume there
 * runs to completion synchronously), so a call makes no object per charge.
 */
export class Charges {
  n = 0
  readonly rules: CompiledRule[] = []
  /** The rule's position among the limiter's rules. */
  readonly slots: number[] = []
  /** The subject's id, and `<kind>:<id>` (filled in by the backend that answers). */
  readonly ids: string[] = []
  readonly subjects: string[] = []
  readonly costs: number[] = []
}

/** What a backend decided for each charge of a {@link Charges}, row for row. */
export class Outcomes {
  /** The rule alone admits the cost now. */
  readonly fits: boolean[] = []
  /** The cost was taken (every charge of the same atomic step fitted). */
  readonly taken: boolean[] = []
  /** The time the backend decided at (the log's own clock when the caller's is behind it). */
  readonly at: number[] = []
  readonly remaining: number[] = []
  readonly resetAt: number[] = []
  readonly retryAfterMs: number[] = []
  /** A taken sliding-window charge's log entry; 0 otherwise. */
  readonly seq: number[] = []
  /** Set when this charge's part of the store failed; the other columns are then unset. */
  readonly error: (SessionKitError | undefined)[] = []

  /** Fills row `i` from a store backend's answer. */
  set(i: number, outcome: RateOutcome | { readonly error: SessionKitError }): void {
    if ('error' in outcome) {
      this.error[i] = outcome.error
      return
    }
    this.error[i] = undefined
    this.fits[i] = outcome.fits
    this.taken[i] = outcome.taken
    this.at[i] = outcome.at
    this.remaining[i] = outcome.remaining
    this.resetAt[i] = outcome.resetAt
    this.retryAfterMs[i] = outcome.retryAfterMs
    this.seq[i] = outcome.seq
  }
}
