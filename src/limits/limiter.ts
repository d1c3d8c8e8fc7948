import { type Clock, systemClock } from '../clock.js'
import { invalidArgument, invalidConfig, isSessionKitError } from '../errors.js'
import { checkKnownKeys, type OptionSource, optionError } from '../options.js'
import type { SessionStore } from '../store/contract.js'
import type { RateLimitBackend, RateSettlement } from '../store/rate-limit-backend.js'
import { decide, refundsOf } from './decide.js'
import {
  type Costs,
  chargesOf,
  checkAmount,
  checkReservation,
  type LimiterCharge,
  type LimiterShape,
  type Subjects,
} from './input.js'
import { createMemoryLimits, type MemoryLimits } from './memory-backend.js'
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
  /** `memory`: state in this process; `store`: kept by the store (Redis). */
  readonly backend: 'memory' | 'store'
  readonly allowed: number
  readonly denied: number
  /** Calls in which the store failed and rules answered by their `onStoreError`. */
  readonly storeErrors: number
  /** Memory backend only: subjects held, estimated bytes, subjects pushed out while holding state. */
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
}

const source: OptionSource = { what: 'createRateLimiter', code: 'INVALID_CONFIG' }

/**
 * Makes a rate limiter. Its state lives where the store keeps it (`store.rateLimits`: Redis, one
 * script per consume) or, for a store that keeps none or no store, in this process's memory,
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
  checkKnownKeys(options, ['store', 'clock', 'rules', 'memory'], source)
  const { store, clock, ...rest } = options
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
  const backend = store?.rateLimits
  const resolved = parseLimitsOptions(rest, {
    what: 'createRateLimiter',
    prefix: [],
    inMemory: backend === undefined,
  })
  return limiterFrom(resolved, clock ?? store?.clock ?? systemClock, store)
}

/** A limiter on already checked options: the facade's way in (its options are checked with the kit's). */
export function limiterFrom(
  resolved: ResolvedLimitsOptions,
  clock: Clock,
  store?: SessionStore,
): RateLimiter {
  const { rules } = resolved
  const memory: MemoryLimits | undefined =
    store?.rateLimits === undefined ? createMemoryLimits(rules, resolved) : undefined
  const backend: RateLimitBackend = memory ?? store!.rateLimits!
  const shape: LimiterShape = { rules, kinds: knownKinds(rules), costKeys: new Set(rules.map((r) => r.cost)) }
  const byName = new Map(rules.map((rule) => [rule.name, rule]))
  const counts = { allowed: 0, denied: 0, storeErrors: 0 }
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
      if (!shape.costKeys.has(key)) throw invalidArgument(`cost "${key.slice(0, 40)}" is charged by no rule`)
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
      if (settlements.length > 0) await backend.settle(settlements, now())
    } catch (error) {
      settled.delete(reservation)
      throw error
    }
  }

  function count(result: LimitResult): LimitResult {
    if (result.storeError !== undefined) counts.storeErrors++
    if (result.allowed) counts.allowed++
    else counts.denied++
    return result
  }

  async function consumeOnStore(charges: LimiterCharge[], at: number): Promise<LimitResult> {
    let outcomes: Awaited<ReturnType<RateLimitBackend['consume']>>
    try {
      outcomes = charges.length === 0 ? [] : await backend.consume(charges, at)
    } catch (error) {
      if (!isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
      outcomes = charges.map(() => ({ error }))
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
      try {
        const charges = chargesOf(shape, subjects, costs)
        const at = now()
        if (memory === undefined) return consumeOnStore(charges, at)
        // In memory one step takes every charge or none: nothing to give back, no await needed.
        return Promise.resolve(count(decide(charges, memory.consumeNow(charges, at), at)))
      } catch (error) {
        return Promise.reject(error)
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
      if (memory === undefined) return { backend: 'store', ...counts }
      return { backend: 'memory', ...counts, keys: memory.keys, bytes: memory.bytes, evicted: memory.evicted }
    },
  }
}
