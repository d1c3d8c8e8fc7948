import type { SessionKitError } from '../errors.js'
import type { RateFailure, RateOutcome, RateSettlement } from '../store/rate-limit-backend.js'
import type { LimiterCharge } from './input.js'
import { bindingRule, type LimitResult, type Reservation, type RuleResult } from './result.js'
import type { CompiledRule } from './rules.js'

// Shared by every result that needs them (most): no array per call.
const NONE: readonly string[] = Object.freeze([])
const NO_CHARGES: Reservation['charges'] = Object.freeze([])

/** How long a rule refused for a store failure (`onStoreError: 'deny'`) asks callers to wait. */
export const STORE_ERROR_RETRY_MS = 1000

/**
 * Turns the backend's outcomes into the result: a failed charge answers by its rule's
 * `onStoreError`; the call is allowed when every rule is.
 */
export function decide(
  charges: readonly LimiterCharge[],
  outcomes: readonly (RateOutcome | RateFailure)[],
  at: number,
): LimitResult {
  const rules: RuleResult[] = new Array(charges.length)
  let limited: string[] = NONE as string[]
  let storeError: SessionKitError | undefined
  for (let i = 0; i < charges.length; i++) {
    const { rule, subject } = charges[i]!
    const outcome = outcomes[i]!
    if ('error' in outcome) {
      storeError ??= outcome.error
      rules[i] = failed(rule, subject, at)
    } else {
      rules[i] = {
        name: rule.name,
        subject,
        limit: rule.burst,
        remaining: outcome.remaining,
        resetAt: outcome.resetAt,
        retryAfterMs: outcome.retryAfterMs,
        allowed: outcome.fits,
        storeError: false,
      }
    }
    if (!rules[i]!.allowed) {
      if (limited === NONE) limited = []
      limited.push(rule.name)
    }
  }
  const allowed = limited.length === 0
  let reserved: Reservation['charges'][number][] = NO_CHARGES as Reservation['charges'][number][]
  if (allowed) {
    for (let i = 0; i < charges.length; i++) {
      const outcome = outcomes[i]!
      const { rule, subject, cost } = charges[i]!
      if ('error' in outcome || !outcome.taken || cost === 0) continue
      if (reserved === NO_CHARGES) reserved = []
      reserved.push({ rule: rule.name, subject, cost, at: outcome.at, seq: outcome.seq })
    }
  }
  const binding = bindingRule(rules, allowed)
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
    reservation: allowed ? { charges: reserved } : undefined,
    storeError,
  }
}

/**
 * What a refused consume must give back: the charges some atomic step took anyway because
 * another step refused (on a Cluster, one script per slot decides alone).
 */
export function refundsOf(
  charges: readonly LimiterCharge[],
  outcomes: readonly (RateOutcome | RateFailure)[],
): RateSettlement[] {
  const refunds: RateSettlement[] = []
  for (let i = 0; i < charges.length; i++) {
    const outcome = outcomes[i]!
    const { rule, subject, cost } = charges[i]!
    if ('error' in outcome || !outcome.taken || cost === 0) continue
    refunds.push({ rule, subject, at: outcome.at, seq: outcome.seq, from: cost, to: 0 })
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
