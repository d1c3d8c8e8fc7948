import type { SessionKitError } from '../errors.js'
import type { RateSettlement } from '../store/rate-limit-backend.js'
import type { Charges, Outcomes } from './charges.js'
import type { LimitResult, Reservation, RuleResult } from './result.js'
import type { CompiledRule } from './rules.js'

// Shared by every result that needs them (most): no array per call.
const NONE: readonly string[] = Object.freeze([])
const NO_CHARGES: Reservation['charges'] = Object.freeze([])

/** How long a rule refused for a store failure (`onStoreError: 'deny'`) asks callers to wait. */
export const STORE_ERROR_RETRY_MS = 1000

type ReservedCharge = Reservation['charges'][number]

/**
 * Turns the backend's outcomes into the result: a failed charge answers by its rule's
 * `onStoreError`; the call is allowed when every rule is. The binding rule is, when refused, the
 * limited rule that frees up last; when admitted, the rule with the smallest share left.
 */
export function decide(charges: Charges, out: Outcomes, at: number): LimitResult {
  const n = charges.n
  if (n === 1 && out.error[0] === undefined) return decideOne(charges, out, at)
  const rules: RuleResult[] = new Array(n)
  let limited = NONE as string[]
  let storeError: SessionKitError | undefined
  for (let i = 0; i < n; i++) {
    const rule = charges.rules[i]!
    const error = out.error[i]
    let result: RuleResult
    if (error !== undefined) {
      storeError ??= error
      result = failed(rule, charges.subjects[i]!, at)
    } else {
      result = {
        name: rule.name,
        subject: charges.subjects[i]!,
        limit: rule.burst,
        remaining: out.remaining[i]!,
        resetAt: out.resetAt[i]!,
        retryAfterMs: out.retryAfterMs[i]!,
        allowed: out.fits[i]!,
        storeError: false,
      }
    }
    rules[i] = result
    if (!result.allowed) {
      if (limited === NONE) limited = []
      limited.push(rule.name)
    }
  }
  const allowed = limited.length === 0
  let binding: RuleResult | undefined
  for (let i = 0; i < n; i++) {
    const r = rules[i]!
    if (allowed) {
      if (binding === undefined || r.remaining / r.limit < binding.remaining / binding.limit) binding = r
    } else if (!r.allowed && (binding === undefined || r.retryAfterMs > binding.retryAfterMs)) {
      binding = r
    }
  }
  return {
    allowed,
    limited,
    rule: binding?.name,
    limit: binding?.limit ?? Number.POSITIVE_INFINITY,
    remaining: binding?.remaining ?? Number.POSITIVE_INFINITY,
    resetAt: binding?.resetAt ?? at,
    retryAfterMs: allowed ? 0 : (binding?.retryAfterMs ?? 0),
    at,
    rules,
    reservation: allowed ? { charges: reserved(charges, out) } : undefined,
    storeError,
  }
}

/** `decide` for the most common call, one rule answered by the backend: no loop, no search. */
function decideOne(charges: Charges, out: Outcomes, at: number): LimitResult {
  const rule = charges.rules[0]!
  const subject = charges.subjects[0]!
  const allowed = out.fits[0]!
  const only: RuleResult = {
    name: rule.name,
    subject,
    limit: rule.burst,
    remaining: out.remaining[0]!,
    resetAt: out.resetAt[0]!,
    retryAfterMs: out.retryAfterMs[0]!,
    allowed,
    storeError: false,
  }
  const cost = charges.costs[0]!
  return {
    allowed,
    limited: allowed ? NONE : [rule.name],
    rule: rule.name,
    limit: only.limit,
    remaining: only.remaining,
    resetAt: only.resetAt,
    retryAfterMs: only.retryAfterMs,
    at,
    rules: [only],
    reservation: !allowed
      ? undefined
      : {
          charges:
            out.taken[0] && cost > 0
              ? [{ rule: rule.name, subject, cost, at: out.at[0]!, seq: out.seq[0]! }]
              : NO_CHARGES,
        },
    storeError: undefined,
  }
}

/** What an admitted call took, for `settle` and `refund`. */
function reserved(charges: Charges, out: Outcomes): Reservation['charges'] {
  let list = NO_CHARGES as ReservedCharge[]
  for (let i = 0; i < charges.n; i++) {
    const cost = charges.costs[i]!
    if (out.error[i] !== undefined || !out.taken[i] || cost === 0) continue
    if (list === NO_CHARGES) list = []
    list.push({
      rule: charges.rules[i]!.name,
      subject: charges.subjects[i]!,
      cost,
      at: out.at[i]!,
      seq: out.seq[i]!,
    })
  }
  return list
}

/**
 * What a refused consume must give back: the charges some atomic step took anyway because
 * another step refused (on a Cluster, one script per slot decides alone).
 */
export function refundsOf(charges: Charges, out: Outcomes): RateSettlement[] {
  const refunds: RateSettlement[] = []
  for (let i = 0; i < charges.n; i++) {
    const cost = charges.costs[i]!
    if (out.error[i] !== undefined || !out.taken[i] || cost === 0) continue
    refunds.push({
      rule: charges.rules[i]!,
      subject: charges.subjects[i]!,
      at: out.at[i]!,
      seq: out.seq[i]!,
      from: cost,
      to: 0,
    })
  }
  return refunds
}

/** A rule whose store failed, answered by its `onStoreError`. */
function failed(rule: CompiledRule, subject: string, at: number): RuleResult {
  const allow = rule.onStoreError === 'allow'
  return {
    name: rule.name,
    subject,
    limit: rule.burst,
    remaining: allow ? rule.burst : 0,
    resetAt: allow ? at : at + STORE_ERROR_RETRY_MS,
    retryAfterMs: allow ? 0 : STORE_ERROR_RETRY_MS,
    allowed: allow,
    storeError: true,
  }
}
