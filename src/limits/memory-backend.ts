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

/** One subject's state: one slot per rule, and what the eviction order needs. */
interface Subject {
  readonly key: string
  readonly states: (RuleState | undefined)[]
  bytes: number
  /** After this time every state is back to empty: the subject can go without losing anything. */
  expiresAt: number
  /** Operation count when last used, and when last placed at the young end of the map. */
  used: number
  placed: number
}

/** An outcome being filled in. */
type Draft = { -readonly [K in keyof RateOutcome]: RateOutcome[K] }

/** The memory backend, with what it holds (for `limiter.stats()`). */
export interface MemoryLimits extends RateLimitBackend {
  /** `consume`, answered at once: the step is synchronous, so the limiter saves an await. */
  consumeNow(charges: readonly RateCharge[], now: number): RateOutcome[]
  readonly keys: number
  readonly bytes: number
  /** Subjects pushed out by `maxKeys` or `maxBytes` while they still held state. */
  readonly evicted: number
}

/**
 * Rate-limit state in process memory, bounded by `maxKeys` subjects and `maxBytes` (estimated).
 * Past a bound, subjects go in least-recently-used order, approximated as CLOCK does it: the map
 * keeps them in the order they were placed, and one used since it was placed gets a second chance
 * at the young end; nothing moves on a plain access. Subjects whose state has all expired are
 * dropped as new ones arrive; no timer runs. Each call runs to completion synchronously, so a
 * consume is atomic in the process.
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
  // Scratch space of one consume, reused (a consume never runs inside another); left as it is
  // after a call, to spare the cost of clearing it.
  const owners: Subject[] = []
  const states: RuleState[] = []
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
        used: tick,
        placed: tick,
      }
      subjects.set(key, subject)
      bytes += subject.bytes
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

  /** Drops up to two of the oldest-placed subjects whose state has all expired (none of this call's). */
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

  /** Pushes out subjects until both bounds hold: used since placed (or in this call) means a second chance. */
  function evict(now: number): void {
    for (let turns = 0; subjects.size > bounds.maxKeys || bytes > bounds.maxBytes; turns++) {
      const oldest = subjects.values().next().value!
      if (turns < 2 * subjects.size && (oldest.used > oldest.placed || oldest.used === tick)) {
        subjects.delete(oldest.key)
        subjects.set(oldest.key, oldest)
        oldest.placed = tick
        continue
      }
      if (oldest.used === tick) return // only this call's subjects are left
      if (oldest.expiresAt > now) evicted++
      remove(oldest)
    }
  }

  const backend: MemoryLimits = {
    consume: (charges, now) => Promise.resolve(backend.consumeNow(charges, now)),

    consumeNow(charges, now) {
      tick++
      const n = charges.length
      const outcomes: Draft[] = new Array(n)
      let all = true
      for (let i = 0; i < n; i++) {
        const { rule, subject, cost } = charges[i]!
        const owner = subjectOf(subject, now)
        const state = stateOf(owner, rule, now)
        const before = sizeOf(state)
        let at: number
        let fits: boolean
        if (state instanceof SlidingLog) {
          at = state.prepare(rule.windowMs, now)
          fits = state.sum + cost <= rule.limit
        } else {
          at = state.prepare(rule, now)
          fits = state.fits(cost)
        }
        grow(owner, sizeOf(state) - before)
        owners[i] = owner
        states[i] = state
        outcomes[i] = { fits, taken: false, at, remaining: 0, resetAt: 0, retryAfterMs: 0, seq: 0 }
        if (!fits) all = false
      }
      for (let i = 0; i < n; i++) {
        const { rule, cost } = charges[i]!
        const state = states[i]!
        const owner = owners[i]!
        const out = outcomes[i]!
        out.taken = all
        if (state instanceof SlidingLog) {
          if (all && cost > 0) {
            const before = state.bytes
            out.seq = state.take(cost, out.at)
            grow(owner, state.bytes - before)
          }
          describeSliding(state, rule, cost, out)
        } else {
          if (all) state.tokens -= cost
          describeBucket(state, rule, cost, out)
        }
        if (out.resetAt > owner.expiresAt) owner.expiresAt = out.resetAt
      }
      evict(now)
      return outcomes
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
          const out = { at: state.prepare(rule, now), fits: true, remaining: 0, resetAt: 0, retryAfterMs: 0 }
          state.settle(rule, from, to)
          describeBucket(state, rule, 0, out)
          if (out.resetAt > owner.expiresAt) owner.expiresAt = out.resetAt
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
  return backend
}

function sizeOf(state: RuleState): number {
  return state.bytes
}
