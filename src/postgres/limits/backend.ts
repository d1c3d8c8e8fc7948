import { isSessionKitError } from '../../errors.js'
import type {
  RateCharge,
  RateFailure,
  RateLimitBackend,
  RateOutcome,
  RateRuleSpec,
  RateSettlement,
} from '../../store/rate-limit-backend.js'
import type { PostgresContext } from '../context.js'
import { limitStatements } from './statements.js'

/** A rule's algorithm as the functions read it: `s` sliding window, `b` token bucket. */
const kindOf = (rule: RateRuleSpec): string => (rule.algorithm === 'sliding-window' ? 's' : 'b')

/**
 * The rules' figures as the functions take them: one array per figure, one element per item.
 * `subject` and `rule` are the row's key.
 */
function columns(items: readonly { readonly rule: RateRuleSpec; readonly subject: string }[]) {
  const n = items.length
  const subjects: string[] = new Array(n)
  const rules: string[] = new Array(n)
  const kinds: string[] = new Array(n)
  const limits: number[] = new Array(n)
  const windows: number[] = new Array(n)
  const bursts: number[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const { rule, subject } = items[i]!
    subjects[i] = subject
    rules[i] = rule.name
    kinds[i] = kindOf(rule)
    limits[i] = rule.limit
    windows[i] = rule.windowMs
    bursts[i] = rule.burst
  }
  return [subjects, rules, kinds, limits, windows, bursts]
}

/**
 * The rate-limit backend of the Postgres store (`store.rateLimits`). Each rule's state for a
 * subject is one row of `<table>_limits` (see 010-rate-limits.sql): a sliding window's exact log
 * in arrays, or a bucket's tokens. A consume is one statement (one round trip) calling a function
 * that locks the rows of the subjects charged, in key order, checks every charge and takes all or
 * none, in one transaction that ends with the statement: every charge of a consume is one atomic
 * step, across every process that shares the database. A settle is another statement.
 */
export function createPostgresLimits(ctx: PostgresContext): RateLimitBackend {
  const sql = limitStatements(ctx.options)
  const grace = ctx.options.expiryGraceMs

  return {
    async consume(charges: readonly RateCharge[], now: number) {
      const costs = charges.map((charge) => charge.cost)
      let reply: string
      try {
        const result = await ctx.run(sql.consume, [now, grace, ...columns(charges), costs])
        reply = String(result.rows[0]?.r)
      } catch (error) {
        // Only an unreachable store is answered by the rules' onStoreError; a refusal (a missing
        // migration, a permission) is thrown: no policy admits past a misconfigured store.
        if (!isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
        return charges.map((): RateFailure => ({ error }))
      }
      // Four numbers per charge (see rate_consume): seq, or -retryAfterMs when refused; the
      // decision time and resetAt as offsets; remaining. Taken when every charge fits.
      const figures = reply.split(',').map(Number)
      let taken = true
      for (let k = 0; k < charges.length; k++) if (figures[k * 4]! < 0) taken = false
      const outcomes: RateOutcome[] = new Array(charges.length)
      for (let k = 0; k < charges.length; k++) {
        const seqOrWait = figures[k * 4]!
        const at = now + figures[k * 4 + 1]!
        outcomes[k] = {
          fits: seqOrWait >= 0,
          taken,
          at,
          remaining: figures[k * 4 + 2]!,
          resetAt: at + figures[k * 4 + 3]!,
          retryAfterMs: Math.max(-seqOrWait, 0),
          seq: Math.max(seqOrWait, 0),
        }
      }
      return outcomes
    },

    async settle(settlements: readonly RateSettlement[], now: number) {
      const values = [
        now,
        grace,
        ...columns(settlements),
        settlements.map((s) => s.seq),
        settlements.map((s) => s.at),
        settlements.map((s) => s.from),
        settlements.map((s) => s.to),
      ]
      await ctx.run(sql.settle, values)
    },
  }
}
