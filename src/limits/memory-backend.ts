import type {
  RateCharge,
  RateLimitBackend,
  RateOutcome,
  RateRuleSpec,
  RateSettlement,
} from '../store/rate-limit-backend.js'
import { RULE_STATE_BYTES, SUBJECT_BYTES } from './memory-sizes.js'
import { describeSliding, SlidingLog } from './sliding-log.js'
import { describeBucket, TokenBucket } from './token-bucket.js'

type RuleState = SlidingLog | TokenBucket

/** One subject's state: one slot per rule, and its place in the recency order. */
interface Subject {
  readonly key: string
  readonly states: (RuleState | undefined)[]
  bytes: number
  /** After this time every state is back to empty: the subject can go without losing anything. */
  expiresAt: number
  /** Operation count when the subject was last moved to the recent end, and when last used. */
  moved: number
  used: number
}

/** The memory backend, with what it holds (for `limiter.stats()`). */
export interface MemoryLimits extends RateLimitBackend {
  readonly keys: number
  readonly bytes: number
  /** Subjects pushed out by `maxKeys` or `maxBytes` while they still held state. */
  readonly evicted: number
}

/**
 * Rate-limit state in process memory: a map of subjects in least-recently-used order, bounded by
 * `maxKeys` and `maxBytes` (estimated). Each call runs to completion synchronously, so a consume
 * is atomic in the process. Subjects whose state has all expired are dropped as new ones arrive;
 * no timer runs.
 *
 * @example
 * const backend = createMemoryLimits(rules, { maxKeys: 100_000, maxBytes: 64 << 20 })
 */
export function createMemoryLimits(
  rules: readonly RateRuleSpec[],
  bounds: { readonly maxKeys: number; readonly maxBytes: number },
): MemoryLimits {
  const index = new Map(rules.map((rule, i) => [rule, i]))
  const subjects = new Map<string, Subject>()
  let bytes = 0
  let evicted = 0
  let tick = 0

  function subjectOf(key: string, now: number): Subject {
    let subject = subjects.get(key)
    if (subject === undefined) {
      dropExpired(now)
      subject = {
        key,
        states: [],
        bytes: SUBJECT_BYTES + 2 * key.length,
        expiresAt: now,
        moved: tick,
        used: tick,
      }
      subjects.set(key, subject)
      bytes += subject.bytes
    } else if (tick - subject.moved > subjects.size >> 1) {
      // Moved only once it is in the older half: recency order at a fraction of the map writes.
      subjects.delete(key)
      subjects.set(key, subject)
      subject.moved = tick
    }
    subject.used = tick
    return subject
  }

  function stateOf(subject: Subject, rule: RateRuleSpec, now: number): RuleState {
    const i = index.get(rule)
    if (i === undefined) throw new Error(`rule ${rule.name} is not one of this backend's rules`)
    let state = subject.states[i]
    if (state === undefined) {
      state = rule.algorithm === 'sliding-window' ? new SlidingLog() : new TokenBucket(rule.burst, now)
      subject.states[i] = state
      grow(subject, RULE_STATE_BYTES + sizeOf(state))
    }
    return state
  }

  function grow(subject: Subject, delta: number): void {
    subject.bytes += delta
    bytes += delta
  }

  /** Drops up to two least recently used subjects whose state has all expired (none of this call's). */
  function dropExpired(now: number): void {
    for (let n = 0; n < 2; n++) {
      const oldest = subjects.values().next().value
      if (oldest === undefined || oldest.expiresAt > now || oldest.used === tick) return
      remove(oldest)
    }
  }

  function remove(subject: Subject): void {
    subjects.delete(subject.key)
    bytes -= subject.bytes
  }

  /** Pushes out least recently used subjects until both bounds hold, sparing those of this call. */
  function evict(now: number): void {
    let spared = 0
    while ((subjects.size > bounds.maxKeys || bytes > bounds.maxBytes) && spared < subjects.size) {
      const oldest = subjects.values().next().value!
      if (oldest.used === tick) {
        subjects.delete(oldest.key)
        subjects.set(oldest.key, oldest)
        spared++
        continue
      }
      if (oldest.expiresAt > now) evicted++
      remove(oldest)
    }
  }

  return {
    consume(charges: readonly RateCharge[], now: number) {
      tick++
      const n = charges.length
      const states: RuleState[] = new Array(n)
      const owners: Subject[] = new Array(n)
      const ats: number[] = new Array(n)
      const fits: boolean[] = new Array(n)
      let all = true
      for (let i = 0; i < n; i++) {
        const { rule, subject, cost } = charges[i]!
        const owner = subjectOf(subject, now)
        const state = stateOf(owner, rule, now)
        const before = sizeOf(state)
        let at: number
        if (state instanceof SlidingLog) {
          at = state.prepare(rule.windowMs, now)
          fits[i] = state.sum + cost <= rule.limit
        } else {
          at = state.prepare(rule, now)
          fits[i] = state.fits(cost)
        }
        grow(owner, sizeOf(state) - before)
        states[i] = state
        owners[i] = owner
        ats[i] = at
        if (!fits[i]) all = false
      }
      const outcomes: RateOutcome[] = new Array(n)
      for (let i = 0; i < n; i++) {
        const { rule, cost } = charges[i]!
        const state = states[i]!
        const owner = owners[i]!
        const at = ats[i]!
        let seq = 0
        let figures: { remaining: number; resetAt: number; retryAfterMs: number }
        if (state instanceof SlidingLog) {
          if (all && cost > 0) {
            const before = state.bytes
            seq = state.take(cost, at)
            grow(owner, state.bytes - before)
          }
          figures = describeSliding(state, rule, cost, at, fits[i]!)
        } else {
          if (all) state.tokens -= cost
          figures = describeBucket(state, rule, cost, at, fits[i]!)
        }
        if (figures.resetAt > owner.expiresAt) owner.expiresAt = figures.resetAt
        outcomes[i] = { fits: fits[i]!, taken: all, at, seq, ...figures }
      }
      evict(now)
      return Promise.resolve(outcomes)
    },

    settle(settlements: readonly RateSettlement[], now: number) {
      tick++
      for (const { rule, subject, seq, at, from, to } of settlements) {
        const owner = subjects.get(subject)
        const state = owner?.states[index.get(rule) ?? -1]
        if (owner === undefined || state === undefined) continue
        const before = sizeOf(state)
        if (state instanceof SlidingLog) {
          state.prepare(rule.windowMs, now)
          state.settle(seq, at, from, to)
        } else {
          const decidedAt = state.prepare(rule, now)
          state.settle(rule, from, to)
          const { resetAt } = describeBucket(state, rule, 0, decidedAt, true)
          if (resetAt > owner.expiresAt) owner.expiresAt = resetAt
        }
        grow(owner, sizeOf(state) - before)
      }
      return Promise.resolve()
    },

    get keys() {
      return subjects.size
    },
    get bytes() {
      return bytes
    },
    get evicted() {
      return evicted
    },
  }
}

function sizeOf(state: RuleState): number {
  return state instanceof SlidingLog ? state.bytes : 0
}
