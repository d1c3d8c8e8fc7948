import { type EntryPool, type RingClass, type RingHolder, STRIDE } from './entry-pool.js'
import { MemoryState } from './memory-state.js'

/** How many entries the search for `retryAfterMs` reads before it settles for an upper bound. */
export const RETRY_SCAN_ENTRIES = 1024

const NO_PAGE = new Float64Array(0)

/**
 * One sliding window's exact log in memory: a ring of (seq, at, cost) triples, oldest first, one
 * per millisecond in which requests were admitted, with the sum of their costs. The ring lives in a slot of the backend's entry pool: no object per
 * entry, and growing (fourfold) or shrinking moves it to a slot of another size. Every entry costs
 * at least 1 (a cost settled to 0 is removed), so a log never holds more than `limit` entries.
 */
export class SlidingLog extends MemoryState implements RingHolder {
  page = NO_PAGE
  base = 0
  slot = 0
  /** Entries the ring holds (a power of two), 0 while the log holds none. */
  capacity = 0
  head = 0
  count = 0
  sum = 0
  /** Time of the oldest entry held (kept here, so a call that drops nothing reads no entry). */
  oldest = 0
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
  private ring: RingClass | undefined
  private size = 0 // the ring's class: capacity 2 * 4^size

  constructor(private readonly pool: EntryPool) {
    super()
  }

  /**
   * The time to decide at (`now`, or the log's own clock when `now` is behind it), after
   * dropping the entries that left the window `(at - windowMs, at]`. Only the entries that left
   * are read: a log whose oldest entry is still in the window costs two comparisons.
   */
  prepare(windowMs: number, now: number): number {
    const at = Math.max(now, this.clock)
    const cutoff = at - windowMs
    if (this.count === 0 || this.oldest > cutoff) return at
    const mask = this.capacity - 1
    const page = this.page
    const base = this.base
    this.clock = at
    do {
      this.sum -= page[base + this.head * STRIDE + 2]!
      this.head = (this.head + 1) & mask
      this.count--
    } while (this.count > 0 && page[base + this.head * STRIDE + 1]! <= cutoff)
    if (this.count > 0) this.oldest = page[base + this.head * STRIDE + 1]!
    this.shrink()
    return at
  }

  /**
   * Takes `cost` (at least 1) at `at`; returns the sequence number of its entry. Requests of the
   * same millisecond share one entry (the newest, its cost grown): they leave the window together,
   * so a burst costs one entry, not one per request.
   */
  take(cost: number, at: number): number {
    // Only a log whose newest entry was taken at `at` can share it: checked on the log first, so
    // a call in a new millisecond reads nothing from the ring (a cache miss on a busy backend).
    const shared = this.newest === at && this.count > 0
    this.sum += cost
    this.newest = at
    this.clock = at
    if (shared) {
      const last = this.offset(this.count - 1)
      if (this.page[last + 1] === at) {
        this.page[last + 2]! += cost
        return this.page[last]!
      }
    }
    if (this.count === this.capacity) this.moveTo(this.ring === undefined ? 0 : this.size + 1)
    const o = this.base + ((this.head + this.count) & (this.capacity - 1)) * STRIDE
    const seq = ++this.pushed
    this.page[o] = seq
    this.page[o + 1] = at
    this.page[o + 2] = cost
    if (this.count === 0) this.oldest = at
    this.count++
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
      freed += this.page[o + 2]!
      if (freed >= needed) return this.page[o + 1]! + windowMs - at
    }
    return this.newest + windowMs - at
  }

  /**
   * Changes the cost `from` of a request in entry `seq` (taken at `at`) to `to`; an entry whose
   * cost falls to 0 is removed. False when no such entry is in the log (it left the window, or
   * holds less than `from`: settled already).
   */
  settle(seq: number, at: number, from: number, to: number): boolean {
    const i = this.find(seq)
    if (i < 0) return false
    const page = this.page
    const o = this.offset(i)
    if (page[o + 1] !== at || page[o + 2]! < from) return false
    this.sum += to - from
    const cost = page[o + 2]! - from + to
    if (cost > 0) {
      page[o + 2] = cost
      return true
    }
    for (let j = i; j < this.count - 1; j++) {
      const into = this.offset(j)
      const next = this.offset(j + 1)
      page[into] = page[next]!
      page[into + 1] = page[next + 1]!
      page[into + 2] = page[next + 2]!
    }
    this.count--
    if (i === 0 && this.count > 0) this.oldest = page[this.offset(0) + 1]!
    this.shrink()
    return true
  }

  /** Gives the ring back to the pool (the log is being dropped). */
  free(): void {
    this.count = 0
    this.shrink()
  }

  /** Offset in `page` of the `i`-th entry from the oldest. */
  private offset(i: number): number {
    return this.base + ((this.head + i) & (this.capacity - 1)) * STRIDE
  }

  /** Index of entry `seq` (sequence numbers grow from the oldest entry), or -1. */
  private find(seq: number): number {
    let lo = 0
    let hi = this.count - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = this.page[this.offset(mid)]!
      if (s === seq) return mid
      if (s < seq) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  /**
   * An empty log gives its ring back; one using at most an eighth of it moves down (growth is
   * fourfold: no back and forth), so a log whose window emptied holds no entry memory.
   */
  private shrink(): void {
    if (this.count === 0) {
      this.sum = 0
      this.head = 0
      if (this.ring !== undefined) {
        this.ring.release(this.slot)
        this.ring = undefined
        this.capacity = 0
        this.page = NO_PAGE
      }
      return
    }
    if (this.size === 0 || this.count * 8 > this.capacity) return
    let size = this.size
    while (size > 0 && this.count * 8 <= 2 * 4 ** size) size--
    this.moveTo(size)
  }

  /** Moves the entries, oldest first, to a ring of class `size`, and frees the one they leave. */
  private moveTo(size: number): void {
    const from = this.ring
    const { page, base, slot, capacity, head } = this
    const to = this.pool.classOf(size)
    to.acquire(this)
    for (let i = 0; i < this.count; i++) {
      const o = base + ((head + i) & (capacity - 1)) * STRIDE
      const d = this.base + i * STRIDE
      this.page[d] = page[o]!
      this.page[d + 1] = page[o + 1]!
      this.page[d + 2] = page[o + 2]!
    }
    from?.release(slot)
    this.ring = to
    this.size = size
    this.capacity = to.capacity
    this.head = 0
  }
}
