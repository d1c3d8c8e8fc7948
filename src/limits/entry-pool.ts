// Storage for the sliding-window logs of one memory backend: every log's ring lives in a slot of
// a shared typed array, so a log is one small object however many entries it holds, a growing log
// moves to a larger slot instead of allocating, and nothing but a rare page is left to the
// garbage collector. Pages are Float64Arrays: their bytes live outside the JS heap, so the young
// generation's collector never copies them (pages of plain arrays were copied twice each before
// they settled in the old generation, which cost more than the rate limiting).

/** Doubles per log entry: sequence number, time, cost. */
export const STRIDE = 3

/**
 * Page size for a backend bounded by `maxBytes`: a class's slots are packed into pages of this
 * size (or one ring a page when larger). A 256th of the bound, from 4 KiB to 256 KiB: large pages
 * mean few typed arrays (each is an allocation V8 weighs when it schedules collections), small
 * ones keep the free room of a class (at most two pages) small beside the bound.
 */
export function pageBytesFor(maxBytes: number): number {
  return Math.min(256 * 1024, Math.max(4096, Math.floor(maxBytes / 256 / 8) * 8))
}

/** Where a ring lives; its class keeps this up to date when it moves the ring to another slot. */
export interface RingHolder {
  /** The page holding the ring, and the offset of its first double there. */
  page: Float64Array
  base: number
  slot: number
}

/**
 * Rings of one capacity. The slots in use are always `0 .. used - 1` (a freed slot takes the last
 * ring), so at most one empty page stays allocated beyond what the rings need.
 */
export class RingClass {
  readonly capacity: number
  private readonly total: PoolBytes
  private readonly doubles: number
  private readonly perPage: number
  private readonly pages: Float64Array[] = []
  private readonly holders: RingHolder[] = []

  constructor(capacity: number, total: PoolBytes, pageDoubles: number) {
    this.capacity = capacity
    this.total = total
    this.doubles = capacity * STRIDE
    this.perPage = Math.max(1, Math.floor(pageDoubles / this.doubles))
  }

  /** Gives `holder` a slot (its contents are undefined until written). */
  acquire(holder: RingHolder): void {
    const slot = this.holders.length
    if (slot === this.pages.length * this.perPage) {
      this.pages.push(new Float64Array(this.perPage * this.doubles))
      this.total.bytes += this.perPage * this.doubles * 8
    }
    this.holders.push(holder)
    this.place(holder, slot)
  }

  /** Frees `slot`: the ring in the last slot moves there, and is told where it now lives. */
  release(slot: number): void {
    const last = this.holders.pop()!
    const lastSlot = this.holders.length
    if (slot !== lastSlot) {
      const into = this.pages[Math.floor(slot / this.perPage)]!
      const at = (slot % this.perPage) * this.doubles
      for (let k = 0; k < this.doubles; k++) into[at + k] = last.page[last.base + k]!
      this.holders[slot] = last
      this.place(last, slot)
    }
    // Free slots are all at the end: drop the pages they empty, but one while the class holds rings
    // (rings of a page each keep none), so a class at a page's edge does not allocate and drop a
    // page back and forth; a class that holds none keeps nothing.
    const spare = this.perPage === 1 || this.holders.length === 0 ? 0 : 1
    while (this.pages.length * this.perPage - this.holders.length >= (spare + 1) * this.perPage) {
      this.pages.pop()
      this.total.bytes -= this.perPage * this.doubles * 8
    }
  }

  private place(holder: RingHolder, slot: number): void {
    holder.slot = slot
    holder.page = this.pages[Math.floor(slot / this.perPage)]!
    holder.base = (slot % this.perPage) * this.doubles
  }
}

/** The capacity of the smallest ring that holds `entries` (rings hold 2, 8, 32, ... entries). */
export function ringCapacityFor(entries: number): number {
  let capacity = 2
  while (capacity < entries) capacity *= 4
  return capacity
}

/** Bytes of the pages a pool holds, kept up to date by its classes. */
interface PoolBytes {
  bytes: number
}

/** The ring classes of one backend, by capacity: 2, 8, 32, ... entries (growth is fourfold). */
export class EntryPool implements PoolBytes {
  /** Bytes of every page held, free room included. */
  bytes = 0
  private readonly classes: RingClass[] = []
  private readonly pageDoubles: number

  /** A pool whose pages are `pageBytes` long (see {@link pageBytesFor}). */
  constructor(pageBytes = 4096) {
    this.pageDoubles = pageBytes / 8
  }

  /** The class of rings of `2 * 4^k` entries. */
  classOf(k: number): RingClass {
    let c = this.classes[k]
    if (c === undefined) {
      c = new RingClass(2 * 4 ** k, this, this.pageDoubles)
      this.classes[k] = c
    }
    return c
  }
}
