// A brute-force sliding window: every decision recomputed from the whole list of entries, by the
// definition (never more than `limit` in any window of `windowMs`, admitted whenever the cost fits
// in what the window holds). The limiter's logs must agree with it call for call.

interface Entry {
  readonly seq: number
  readonly at: number
  cost: number
}

export class WindowModel {
  private entries: Entry[] = []
  private newest = Number.NEGATIVE_INFINITY
  /** The latest time the log changed at: an entry taken, or one found to have left the window. */
  private clock = Number.NEGATIVE_INFINITY
  private left = new Set<Entry>()
  private pushed = 0

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  consume(cost: number, now: number, take = true) {
    const at = this.decideAt(now)
    const sum = this.sumAfter(at - this.windowMs)
    const fits = sum + cost <= this.limit
    let seq = 0
    if (fits && take && cost > 0) {
      // Requests of one millisecond share an entry.
      const last = this.entries.at(-1)
      if (last?.at === at) {
        seq = last.seq
        last.cost += cost
      } else {
        seq = ++this.pushed
        this.entries.push({ seq, at, cost })
      }
      this.newest = at
      this.clock = at
    }
    const after = this.sumAfter(at - this.windowMs)
    return {
      fits,
      at,
      seq,
      remaining: Math.max(0, this.limit - after),
      resetAt: after > 0 ? this.newest + this.windowMs : at,
      retryAfterMs: fits ? 0 : this.wait(cost, at),
    }
  }

  settle(seq: number, at: number, from: number, to: number, now: number): void {
    // A settle that changes nothing is not sent (no round trip to a store), so the log never sees
    // its time: an entry it would have found gone may come back when the clock steps back.
    if (to === from) return
    const t = this.decideAt(now)
    const i = this.entries.findIndex((e) => e.seq === seq)
    const entry = this.entries[i]
    if (entry === undefined || entry.at <= t - this.windowMs || entry.at !== at || entry.cost < from) return
    entry.cost += to - from
    if (entry.cost === 0) this.entries.splice(i, 1)
  }

  /** `now`, or the log's clock when `now` is behind it; entries that left the window move the clock. */
  private decideAt(now: number): number {
    const at = Math.max(now, this.clock)
    for (const e of this.entries) {
      if (e.at <= at - this.windowMs && !this.left.has(e)) {
        this.left.add(e)
        this.clock = at
      }
    }
    return at
  }

  /** Every admitted entry still held, for window checks. */
  get log(): readonly Entry[] {
    return this.entries
  }

  private sumAfter(cutoff: number): number {
    let sum = 0
    for (const e of this.entries) if (e.at > cutoff) sum += e.cost
    return sum
  }

  /** The smallest wait after which `cost` fits, trying each moment an entry leaves. */
  private wait(cost: number, at: number): number {
    const leaves = this.entries
      .filter((e) => e.at > at - this.windowMs)
      .map((e) => e.at + this.windowMs - at)
      .sort((a, b) => a - b)
    for (const d of leaves) if (this.sumAfter(at + d - this.windowMs) + cost <= this.limit) return d
    throw new Error('model: no wait admits the cost')
  }
}
