import { type Clock, systemClock } from '../clock.js'
import { invalidArgument, invalidConfig, isSessionKitError } from '../errors.js'
import { limiterMetrics } from '../metrics/catalog.js'
import { bindMeter, isMetricsMeter, type MetricsMeter } from '../metrics/otel.js'
import type { MetricsSnapshot } from '../metrics/types.js'
import { checkKnownKeys, type OptionSource, optionError } from '../options.js'
import type { SessionStore } from '../store/contract.js'
import type { RateCharge, RateLimitBackend, RateSettlement } from '../store/rate-limit-backend.js'
import { errorText, type WarningHandler, warn, warningGate } from '../warnings.js'
import { Charges, Outcomes } from './charges.js'
import { decide, refundsOf } from './decide.js'
import {
  type Costs,
  chargesOf,
  checkAmount,
  checkReservation,
  type LimiterShape,
  nameIndex,
  type Subjects,
} from './input.js'
import { createMemoryLimits, type MemoryLimits } from './memory-backend.js'
import { countDecision, createLimiterCounts, limiterSnapshot } from './metrics.js'
import {
  knownKinds,
  parseLimitsOptions,
  type RateLimiterOptions,
  type ResolvedLimitsOptions,
} from './options.js'
import type { LimitResult, Reservation } from './result.js'
import type { CompiledRule } from './rules.js'

/** What `limiter.stats()` reports: this process's counts since the limiter was made. */
export interface LimiterStats {
  /** `memory`: state in this process; `store`: kept by the store (Redis, Postgres). */
  readonly backend: 'memory' | 'store'
  readonly allowed: number
  readonly denied: number
  /** Calls in which the store failed and rules answered by their `onStoreError`. */
  readonly storeErrors: number
  /** Memory backend only: rule states held (one per rule and subject), bytes held, states pushed out while holding something. */
  readonly keys?: number
  readonly bytes?: number
  readonly evicted?: number
}

/**
 * Rate limits and quotas per session, user, tenant or any subject, checked and taken all or
 * nothing across rules. See {@link createRateLimiter}.
 */
export interface RateLimiter {
  readonly rules: readonly CompiledRule[]
  /**
   * Checks every rule whose subject is named and whose cost is given, and takes them all or none.
   * A cost of 0 reports a rule without charging it.
   *
   * @example
   * const r = await limiter.consume({ session: s.id, user: 'u1' }, { requests: 1, tokens: 800 })
   */
  consume(subjects: Subjects, costs: Costs): Promise<LimitResult>
  /**
   * Replaces the reserved costs by the actual ones (`{ tokens: 1234 }`; keys left out stay as
   * reserved): more than reserved is charged even past the limit, less gives the rest back.
   * Settle or refund a reservation once.
   *
   * @example
   * await limiter.settle(r.reservation, { tokens: usage.total_tokens })
   */
  settle(reservation: Reservation, actual: Costs): Promise<void>
  /** Gives back everything a reservation took (the call it paid for did not happen). */
  refund(reservation: Reservation): Promise<void>
  stats(): LimiterStats
  /**
   * The limiter's metrics (`sessionkit_rate_limit_decisions_total{result}`,
   * `sessionkit_rate_limit_refusals_total{rule}`, ...) for `toPrometheusText`, `toMetricsJson` or
   * your own exporter.
   */
  metrics(): MetricsSnapshot
}

/** Where a limiter's warnings and metrics go, besides `stats()` and `metrics()`. */
export interface LimiterHooks {
  /** Receives `SESSIONKIT_RATE_LIMIT_STORE_FAILED`, at most once a minute [`process.emitWarning`]. */
  readonly onWarning?: WarningHandler | undefined
  /** Registers the limiter's metrics on an OpenTelemetry `Meter` [none]. */
  readonly meter?: MetricsMeter | undefined
}

const source: OptionSource = { what: 'createRateLimiter', code: 'INVALID_CONFIG' }

/**
 * Makes a rate limiter. Its state lives where the store keeps it (`store.rateLimits`: Redis, one
 * script per consume; Postgres, one statement per consume) or, for a store that keeps none or no
 * store, in this process's memory,
 * bounded by `memory.maxKeys` and `memory.maxBytes`. Options are checked here (`INVALID_CONFIG`
 * naming the option).
 *
 * @example
 * const limiter = createRateLimiter({
 *   store,
 *   rules: [
 *     { name: 'requests', per: 'session', limit: 60, windowMs: 60_000 },
 *     { name: 'tokens', per: 'user', limit: 100_000, windowMs: 3_600_000 },
 *   ],
 * })
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (typeof options !== 'object' || options === null) {
    throw invalidConfig('createRateLimiter needs options: { rules: [{ name, per, limit, windowMs }] }')
  }
  checkKnownKeys(options, ['store', 'clock', 'rules', 'memory', 'perProcess', 'onWarning', 'meter'], source)
  const { store, clock, onWarning, meter, ...rest } = options
  if (
    store !== undefined &&
    (typeof store !== 'object' || store === null || typeof store.meta !== 'function')
  ) {
    throw optionError(source, 'store', 'must be a SessionStore')
  }
  if (
    clock !== undefined &&
    (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function')
  ) {
    throw optionError(source, 'clock', 'must have a now() method')
  }
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw optionError(source, 'onWarning', 'must be a function')
  }
  if (meter !== undefined && !isMetricsMeter(meter)) {
    throw optionError(source, 'meter', 'must be an OpenTelemetry Meter')
  }
  const backend = store?.rateLimits
  const resolved = parseLimitsOptions(rest, {
    what: 'createRateLimiter',
    prefix: [],
    inMemory: backend === undefined,
    sharedStoreWithoutLimits: backend === undefined && store?.capabilities?.atomicity === 'shared',
  })
  return limiterFrom(resolved, clock ?? store?.clock ?? systemClock, store, { onWarning, meter })
}

/** A limiter on already checked options: the facade's way in (its options are checked with the kit's). */
export function limiterFrom(
  resolved: ResolvedLimitsOptions,
  clock: Clock,
  store?: SessionStore,
  hooks: LimiterHooks = {},
): RateLimiter {
  const { rules } = resolved
  const storeBackend: RateLimitBackend | undefined = store?.rateLimits
  const memory: MemoryLimits | undefined =
    storeBackend === undefined ? createMemoryLimits(rules, resolved) : undefined
  // The memory path runs each consume to completion synchronously: one set of columns serves all.
  const scratch = { charges: new Charges(), outcomes: new Outcomes(), busy: false }
  const kinds = [...knownKinds(rules)]
  const costKeys = [...new Set(rules.map((r) => r.cost))]
  const shape: LimiterShape = {
    rules,
    kinds,
    costKeys,
    kindIndex: nameIndex(kinds),
    costIndex: nameIndex(costKeys),
  }
  const byName = new Map(rules.map((rule) => [rule.name, rule]))
  const counts = createLimiterCounts(rules)
  const metrics = () => limiterSnapshot(counts, memory)
  if (hooks.meter !== undefined) bindMeter(hooks.meter, Object.values(limiterMetrics), metrics)
  const gate = warningGate(() => clock.now())
  const settled = new WeakSet<Reservation>()
  const now = () => Math.floor(clock.now())

  async function settle(reservation: Reservation, actual: Costs): Promise<void> {
    if (typeof actual !== 'object' || actual === null) {
      throw invalidArgument('settle needs the actual costs: { tokens: 1234 }')
    }
    if (settled.has(reservation)) {
      throw invalidArgument('this reservation was settled or refunded already; do it once per consume')
    }
    const items = checkReservation(byName, reservation)
    // A cost the reservation did not take (no rule applied, or it was 0) has nothing to correct.
    for (const key of Object.keys(actual)) {
      if (!shape.costKeys.includes(key))
        throw invalidArgument(`cost "${key.slice(0, 40)}" is charged by no rule`)
      checkAmount(actual[key], `actual ${key}`)
    }
    const settlements: RateSettlement[] = []
    for (const { rule, charge } of items) {
      const to = actual[rule.cost]
      if (to === undefined || to === charge.cost) continue
      settlements.push({
        rule,
        subject: charge.subject,
        at: charge.at,
        seq: charge.seq,
        from: charge.cost,
        to,
      })
    }
    settled.add(reservation)
    try {
      if (settlements.length === 0) return
      if (memory !== undefined) memory.settle(settlements, now())
      else await storeBackend!.settle(settlements, now())
    } catch (error) {
      settled.delete(reservation)
      throw error
    }
  }

  function count(result: LimitResult): LimitResult {
    countDecision(counts, result)
    const error = result.storeError
    if (error !== undefined && gate()) {
      warn(
        hooks.onWarning,
        'SESSIONKIT_RATE_LIMIT_STORE_FAILED',
        `the rate-limit store failed (${errorText(error)}); rules answer by their onStoreError (${counts.storeErrors} calls so far)`,
        error,
      )
    }
    return result
  }

  async function consumeOnStore(
    backend: RateLimitBackend,
    charges: Charges,
    at: number,
  ): Promise<LimitResult> {
    const list: RateCharge[] = new Array(charges.n)
    for (let i = 0; i < charges.n; i++) {
      const rule = charges.rules[i]!
      charges.subjects[i] = `${rule.per}:${charges.ids[i]}`
      list[i] = { rule, subject: charges.subjects[i]!, cost: charges.costs[i]! }
    }
    const outcomes = new Outcomes()
    try {
      const answers = charges.n === 0 ? [] : await backend.consume(list, at)
      for (let i = 0; i < charges.n; i++) outcomes.set(i, answers[i]!)
    } catch (error) {
      if (!isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
      for (let i = 0; i < charges.n; i++) outcomes.set(i, { error })
    }
    let result = decide(charges, outcomes, at)
    const refunds = result.allowed ? [] : refundsOf(charges, outcomes)
    if (refunds.length > 0) {
      // Another atomic step refused: give back what this one took. Until then (or for good, if
      // this fails) the charge only counts against later calls: it never lets one more in.
      try {
        await backend.settle(refunds, at)
      } catch (error) {
        if (!isSessionKitError(error)) throw error
        result = { ...result, storeError: result.storeError ?? error }
      }
    }
    return count(result)
  }

  return {
    rules,
    consume(subjects, costs) {
      if (memory === undefined) {
        const charges = new Charges()
        try {
          chargesOf(shape, subjects, costs, charges)
        } catch (error) {
          return Promise.reject(error)
        }
        return consumeOnStore(storeBackend!, charges, now())
      }
      // A subject or cost read through a getter that calls back in gets columns of its own.
      const reentered = scratch.busy
      const charges = reentered ? new Charges() : scratch.charges
      const outcomes = reentered ? new Outcomes() : scratch.outcomes
      scratch.busy = true
      try {
        chargesOf(shape, subjects, costs, charges, false)
        const at = now()
        // In memory one step takes every charge or none: nothing to give back, no await needed.
        memory.consume(charges, at, outcomes)
        return Promise.resolve(count(decide(charges, outcomes, at)))
      } catch (error) {
        return Promise.reject(error)
      } finally {
        if (!reentered) scratch.busy = false
      }
    },
    settle,
    refund(reservation) {
      const items = (reservation as { charges?: unknown } | null)?.charges
      const zero: Record<string, number> = Object.create(null)
      if (Array.isArray(items))
        for (const item of items) {
          const rule = byName.get((item as { rule?: string })?.rule ?? '')
          if (rule !== undefined) zero[rule.cost] = 0
        }
      return settle(reservation, zero)
    },
    stats() {
      const { allowed, denied, storeErrors } = counts
      if (memory === undefined) return { backend: 'store', allowed, denied, storeErrors }
      return {
        backend: 'memory',
        allowed,
        denied,
        storeErrors,
        keys: memory.keys,
        bytes: memory.bytes,
        evicted: memory.evicted,
      }
    },
    metrics,
  }
}
