import type { RateRuleSpec, RateSettlement } from '../store/rate-limit-backend.js'
import type { Charges, Outcomes } from './charges.js'
import { EntryPool, pageBytesFor } from './entry-pool.js'
import { checkSubjectId } from './input.js'
import { STATE_BYTES } from './memory-sizes.js'
import type { CompiledRule } from './rules.js'
import { SlidingLog } from './sliding-log.js'
import { TokenBucket } from './token-bucket.js'

type State = SlidingLog | TokenBucket

/** The memory backend, with what it holds (for `limiter.stats()`). */
export interface MemoryLimits {
  /**
   * Checks every charge and takes them all or none, filling `out` row for row (and each charge's
   * `subjects` entry). Synchronous, so atomic in the process, and the limiter saves an await.
   * Checks the ids too (`INVALID_ARGUMENT`, nothing changed): the limiter leaves them to it.
   */
  consume(charges: Charges, now: number, out: Outcomes): void
  /** Changes the cost of taken charges; a charge whose entry has left its window is left alone. */
  settle(settlements: readonly RateSettlement[], now: number): void
  /** States held: one per rule and subject. */
  readonly keys: number
  readonly bytes: number
  /** States pushed out by `maxKeys` or `maxBytes` while they still held something. */
  readonly evicted: number
}

/** What `memory.maxBytes` counts for a state beside its log's ring: its objects, and its subject twice (id and `<kind>:<id>`). */
function fixedBytesOf(state: State): number {
  return STATE_BYTES + 2 * state.subject.length
}

/**
 * Rate-limit state in process memory: per rule, a map from subject id to that subject's state
 * (one lookup reaches it), bounded by `maxKeys` states and `maxBytes` (estimated). Past a bound,
 * states go in least-recently-used order, approximated as CLOCK does it: each map keeps its states
 * in the order they were placed, the oldest placed of all goes first, and one used since it was
 * placed gets a second chance at the young end; nothing moves on a plain access. States that have
 * expired are dropped as new ones arrive; no timer runs. Each call runs to completion
 * synchronously, so a consume is atomic in the process.
 *
 * @example
 * const backend = createMemoryLimits(rules, { maxKeys: 100_000, maxBytes: 64 << 20 })
 */
export function createMemoryLimits(
  rules: readonly RateRuleSpec[],
  bounds: { readonly maxKeys: number; readonly maxBytes: number },
): MemoryLimits {
  const slots = new Map(rules.map((rule, i) => [rule, i]))
  const maps = rules.map(() => new Map<string, State>())
  const pool = new EntryPool(pageBytesFor(bounds.maxBytes))
  // The states of one consume, reused (a consume never runs inside another).
  const held: State[] = []
  let keys = 0
  let fixedBytes = 0
  let evicted = 0
  let tick = 0

  function stateOf(slot: number, rule: CompiledRule, id: string, now: number): State {
    const map = maps[slot]!
    let state = map.get(id)
    if (state === undefined) {
      // Ids are checked here, on the way in (the limiter leaves them to this backend): an id
      // that has a state passed this check when it came.
      checkSubjectId(id, rule)
      dropExpired(map, now)
      state = rule.algorithm === 'sliding-window' ? new SlidingLog(pool) : new TokenBucket(rule.burst, now)
      state.id = id
      state.subject = `${rule.per}:${id}`
      state.expiresAt = now
      state.placed = tick
      map.set(id, state)
      keys++
      fixedBytes += fixedBytesOf(state)
    }
    state.used = tick
    return state
  }

  /** Bytes held now: every state's fixed part, and the pool's pages (the logs' rings, with free room). */
  function bytes(): number {
    return fixedBytes + pool.bytes
  }

  /** Drops up to two of the map's oldest-placed states that have expired (none of this call's). */
  function dropExpired(map: Map<string, State>, now: number): void {
    for (let n = 0; n < 2; n++) {
      const oldest = map.values().next().value
      if (oldest === undefined || oldest.expiresAt > now || oldest.used === tick) return
      remove(map, oldest)
    }
  }

  function remove(map: Map<string, State>, state: State): void {
    map.delete(state.id)
    keys--
    fixedBytes -= fixedBytesOf(state)
    if (state instanceof SlidingLog) state.free()
  }

  /** Pushes out states until both bounds hold: used since placed (or in this call) means a second chance. */
  function evict(now: number): void {
    for (let turns = 0; keys > bounds.maxKeys || bytes() > bounds.maxBytes; turns++) {
      let map = maps[0]!
      let oldest: State | undefined
      for (const m of maps) {
        const first = m.values().next().value
        if (first !== undefined && (oldest === undefined || first.placed < oldest.placed)) {
          map = m
          oldest = first
        }
      }
      if (oldest === undefined) return
      if (turns < 2 * keys && (oldest.used > oldest.placed || oldest.used === tick)) {
        map.delete(oldest.id)
        map.set(oldest.id, oldest)
        oldest.placed = tick
        continue
      }
      if (oldest.used === tick) return // only this call's states are left
      if (oldest.expiresAt > now) evicted++
      remove(map, oldest)
    }
  }

  /** `consume` of one charge (most calls): one pass, nothing to hold between checking and taking. */
  function consumeOne(charges: Charges, now: number, out: Outcomes): void {
    const rule = charges.rules[0]!
    const state = stateOf(charges.slots[0]!, rule, charges.ids[0]!, now)
    const cost = charges.costs[0]!
    let resetAt: number
    let fits: boolean
    let seq = 0
    let at: number
    if (state instanceof SlidingLog) {
      at = state.prepare(rule.windowMs, now)
      fits = state.sum + cost <= rule.limit
      if (fits && cost > 0) seq = state.take(cost, at)
      resetAt = state.sum > 0 ? state.newest + rule.windowMs : at
      out.remaining[0] = Math.max(0, rule.limit - state.sum)
      out.retryAfterMs[0] = fits ? 0 : state.retryAfter(state.sum + cost - rule.limit, rule.windowMs, at)
    } else {
      at = state.prepare(rule, now)
      fits = state.fits(cost)
      if (fits) state.tokens -= cost
      resetAt = state.resetAt(rule, at)
      out.remaining[0] = state.remaining()
      out.retryAfterMs[0] = fits ? 0 : state.retryAfter(rule, cost)
    }
    charges.subjects[0] = state.subject
    out.at[0] = at
    out.fits[0] = fits
    out.taken[0] = fits
    out.seq[0] = seq
    out.error[0] = undefined
    out.resetAt[0] = resetAt
    if (resetAt > state.expiresAt) state.expiresAt = resetAt
  }

  return {
    consume(charges, now, out) {
      tick++
      const n = charges.n
      if (n === 1) {
        consumeOne(charges, now, out)
        if (keys > bounds.maxKeys || bytes() > bounds.maxBytes) evict(now)
        return
      }
      // Every id before any state is made: a bad one leaves nothing behind.
      for (let i = 0; i < n; i++) checkSubjectId(charges.ids[i], charges.rules[i]!)
      let all = true
      for (let i = 0; i < n; i++) {
        const rule = charges.rules[i]!
        const state = stateOf(charges.slots[i]!, rule, charges.ids[i]!, now)
        const cost = charges.costs[i]!
        let fits: boolean
        if (state instanceof SlidingLog) {
          out.at[i] = state.prepare(rule.windowMs, now)
          fits = state.sum + cost <= rule.limit
        } else {
          out.at[i] = state.prepare(rule, now)
          fits = state.fits(cost)
        }
        held[i] = state
        charges.subjects[i] = state.subject
        out.fits[i] = fits
        out.error[i] = undefined
        if (!fits) all = false
      }
      for (let i = 0; i < n; i++) {
        const rule = charges.rules[i]!
        const cost = charges.costs[i]!
        const state = held[i]!
        const at = out.at[i]!
        const fits = out.fits[i]!
        let resetAt: number
        out.taken[i] = all
        out.seq[i] = 0
        if (state instanceof SlidingLog) {
          if (all && cost > 0) out.seq[i] = state.take(cost, at)
          resetAt = state.sum > 0 ? state.newest + rule.windowMs : at
          out.remaining[i] = Math.max(0, rule.limit - state.sum)
          out.retryAfterMs[i] = fits ? 0 : state.retryAfter(state.sum + cost - rule.limit, rule.windowMs, at)
        } else {
          if (all) state.tokens -= cost
          resetAt = state.resetAt(rule, at)
          out.remaining[i] = state.remaining()
          out.retryAfterMs[i] = fits ? 0 : state.retryAfter(rule, cost)
        }
        out.resetAt[i] = resetAt
        if (resetAt > state.expiresAt) state.expiresAt = resetAt
      }
      if (keys > bounds.maxKeys || bytes() > bounds.maxBytes) evict(now)
    },

    settle(settlements, now) {
      tick++
      for (const { rule, subject, seq, at, from, to } of settlements) {
        const slot = slots.get(rule)
        if (slot === undefined) continue
        const state = maps[slot]!.get(subject.slice(subject.indexOf(':') + 1))
        if (state === undefined) continue
        if (state instanceof SlidingLog) {
          state.prepare(rule.windowMs, now)
          state.settle(seq, at, from, to)
        } else {
          const decided = state.prepare(rule, now)
          state.settle(rule, from, to)
          const resetAt = state.resetAt(rule, decided)
          if (resetAt > state.expiresAt) state.expiresAt = resetAt
        }
      }
    },

    get keys() {
      return keys
    },
    get bytes() {
      return bytes()
    },
    get evicted() {
      return evicted
    },
  }
}
