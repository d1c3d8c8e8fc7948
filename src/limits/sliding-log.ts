import type { RateRuleSpec } from '../store/rate-limit-backend.js'
import { ENTRY_BYTES } from './memory-sizes.js'

/** How many entries the search for `retryAfterMs` reads before it settles for an upper bound. */
export const RETRY_SCAN_ENTRIES = 1024

const STRIDE = 3 // seq, at, cost
const MIN_CAPACITY = 4

/**
 * One sliding window's exact log in memory: a ring of (seq, at, cost) triples in an array of
 * doubles (cheaper to make than a typed array, for the many logs that stay small), oldest first,
 * with the sum of their costs. Every entry costs at least 1 (a cost settled to 0 is removed), so a
 * log never holds more than `limit` entries.
 */
export class SlidingLog {
  ring: number[] = newRing(MIN_CAPACITY)
  capacity = MIN_CAPACITY
  head = 0
  count = 0
  sum = 0
  /** Time of the newest entry ever taken (when the whole log will have left: `newest + windowMs`). */
  newest = Number.NEGATIVE_INFINITY
  /**
   * The latest time the log was changed at (an entry taken, or entries dropped as having left):
   * no call decides at an earlier time, so a call whose clock runs behind never counts entries
   * that an earlier call already dropped by a later clock.
   */
  clock = Number.NEGATIVE_INFINITY
  /** Entries ever taken; the next one's sequence number is `pushed + 1`. */
  pushed = 0

  /** Offset in `ring` of the `i`-th entry from the oldest. */
  offset(i: number): number {
    return ((this.head + i) & (this.capacity - 1)) * STRIDE
  }

  /**
   * The time to decide at (`now`, or the log's own clock when `now` is behind it), after
   * dropping the entries that left the window `(at - windowMs, at]`.
   */
  prepare(windowMs: number, now: number): number {
    const at = Math.max(now, this.clock)
    const cutoff = at - windowMs
    while (this.count > 0) {
      const o = this.offset(0)
      if (this.ring[o + 1]! > cutoff) break
      this.clock = at
      this.sum -= this.ring[o + 2]!
      this.head = (this.head + 1) & (this.capacity - 1)
      this.count--
    }
    if (this.count === 0) this.sum = 0
    if (this.count * 8 <= this.capacity && this.capacity > MIN_CAPACITY) {
      // Down to at most eight times what is held (growth is fourfold: no back and forth), so a
      // log that emptied gives its memory back at once.
      let capacity = this.capacity
      while (capacity > MIN_CAPACITY && this.count * 8 <= capacity) capacity /= 2
      this.resize(capacity)
    }
    return at
  }

  /** Appends an entry of `cost` (at least 1) at `at`; returns its sequence number. */
  take(cost: number, at: number): number {
    if (this.count === this.capacity) this.resize(this.capacity * 4)
    const o = this.offset(this.count)
    const seq = ++this.pushed
    this.ring[o] = seq
    this.ring[o + 1] = at
    this.ring[o + 2] = cost
    this.count++
    this.sum += cost
    this.newest = at
    this.clock = at
    return seq
  }

  /**
   * How long until `needed` more cost has left the window: the time the entry that frees enough
   * leaves it. Past {@link RETRY_SCAN_ENTRIES} entries, when the whole log has left (an upper bound).
   */
  retryAfter(needed: number, windowMs: number, at: number): number {
    let freed = 0
    const n = Math.min(this.count, RETRY_SCAN_ENTRIES)
    for (let i = 0; i < n; i++) {
      const o = this.offset(i)
      freed += this.ring[o + 2]!
      if (freed >= needed) return this.ring[o + 1]! + windowMs - at
    }
    return this.newest + windowMs - at
  }

  /**
   * Sets the cost of entry `seq` (taken at `at` with cost `from`) to `to`, removing it at 0.
   * False when no such entry is in the log (it left the window, or was settled already).
   */
  settle(seq: number, at: number, from: number, to: number): boolean {
    const i = this.find(seq)
    if (i < 0) return false
    const o = this.offset(i)
    if (this.ring[o + 1] !== at || this.ring[o + 2] !== from) return false
    this.sum += to - from
    if (to > 0) {
      this.ring[o + 2] = to
      return true
    }
    for (let j = i; j < this.count - 1; j++) {
      const to = this.offset(j)
      const from = this.offset(j + 1)
      this.ring[to] = this.ring[from]!
      this.ring[to + 1] = this.ring[from + 1]!
      this.ring[to + 2] = this.ring[from + 2]!
    }
    this.count--
    if (this.count === 0) this.sum = 0
    return true
  }

  /** Estimated bytes of the ring. */
  get bytes(): number {
    return this.capacity * ENTRY_BYTES
  }

  /** Index of entry `seq` (sequence numbers grow from the oldest entry), or -1. */
  private find(seq: number): number {
    let lo = 0
    let hi = this.count - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = this.ring[this.offset(mid)]!
      if (s === seq) return mid
      if (s < seq) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  private resize(capacity: number): void {
    const next = newRing(capacity)
    for (let i = 0; i < this.count; i++) {
      const o = this.offset(i)
      next[i * STRIDE] = this.ring[o]!
      next[i * STRIDE + 1] = this.ring[o + 1]!
      next[i * STRIDE + 2] = this.ring[o + 2]!
    }
    this.ring = next
    this.capacity = capacity
    this.head = 0
  }
}

/** Fills in what a sliding-window charge reports once decided (and taken, when it was). */
export function describeSliding(log: SlidingLog, rule: RateRuleSpec, cost: number, out: Figures): void {
  out.remaining = Math.max(0, rule.limit - log.sum)
  out.resetAt = log.sum > 0 ? log.newest + rule.windowMs : out.at
  out.retryAfterMs = out.fits ? 0 : log.retryAfter(log.sum + cost - rule.limit, rule.windowMs, out.at)
}

/** The figures of an outcome, filled in place (no object per call on the hot path). */
export interface Figures {
  readonly at: number
  readonly fits: boolean
  remaining: number
  resetAt: number
  retryAfterMs: number
}

function newRing(capacity: number): number[] {
  return new Array<number>(capacity * STRIDE).fill(Number.NaN)
}
