const STRIDE = 8
// Fields of an entry, after its four key words.
const SLOT = 4
const POS = 5
const TAG = 6
const RING = 7
const EMPTY = -1
/** Most entries per table slot before the table grows by half (linear probing stays short below it). */
const MAX_LOAD = 0.75
const TWO_32 = 4_294_967_296

/**
 * Called when an entry moves to another table position (deletions shift entries back, growth
 * rehashes them): the owner's ring must follow it.
 */
export type Relocate = (slot: number, ring: number, position: number) => void

/**
 * The chain-key index: 128-bit keys to (session slot, position, tag, ring index), stored inline
 * in one open-addressing table of 32-byte entries (linear probing, backward-shift deletion, load
 * between 0.5 and 0.75: whatever the size, so growth by half wastes less than doubling). A lookup reads one
 * cache line, rarely two, whatever the number of keys: with a separate array of entries it read
 * two, and a Map of strings more. An entry's id is its table position, which changes when an
 * entry before it is removed or the table grows; `relocate` reports each move.
 */
export class KeyIndex {
  #t: Int32Array
  #cap: number
  #size = 0

  constructor(
    readonly relocate: Relocate,
    capacity = 1024,
  ) {
    this.#t = new Int32Array(capacity * STRIDE).fill(EMPTY)
    this.#cap = capacity
  }

  get size(): number {
    return this.#size
  }

  /** The entry id of `key`, or -1. */
  find(key: string): number {
    return this.#findFrom(key, home(word(key, 0), this.#cap))
  }

  /**
   * `find` for two keys, into `out[0]` and `out[1]`. The first slot of each is read before either
   * is compared: with a table larger than the caches the two misses then overlap, where two finds
   * in turn would wait for one and then the other.
   */
  findTwo(a: string, b: string, out: Int32Array): void {
    const t = this.#t
    const cap = this.#cap
    const ha = home(word(a, 0), cap)
    const hb = home(word(b, 0), cap)
    const sa = t[ha * STRIDE + SLOT]
    const sb = t[hb * STRIDE + SLOT]
    out[0] = sa === EMPTY ? -1 : this.#findFrom(a, ha)
    out[1] = sb === EMPTY ? -1 : this.#findFrom(b, hb)
  }

  #findFrom(key: string, start: number): number {
    const w0 = word(key, 0)
    const w1 = word(key, 4)
    const w2 = word(key, 8)
    const w3 = word(key, 12)
    const t = this.#t
    const cap = this.#cap
    for (let i = start; ; i = i + 1 === cap ? 0 : i + 1) {
      const b = i * STRIDE
      if (t[b + SLOT] === EMPTY) return -1
      if (t[b] === w0 && t[b + 1] === w1 && t[b + 2] === w2 && t[b + 3] === w3) return i
    }
  }

  /** Adds `key` (absent: check with `find` first) and returns its entry id. */
  insert(key: string, slot: number, pos: number, tag: number, ring: number): number {
    if (this.#size + 1 > this.#cap * MAX_LOAD) this.#grow()
    const w0 = word(key, 0)
    const t = this.#t
    const cap = this.#cap
    let i = home(w0, cap)
    while (t[i * STRIDE + SLOT] !== EMPTY) i = i + 1 === cap ? 0 : i + 1
    const b = i * STRIDE
    t[b] = w0
    t[b + 1] = word(key, 4)
    t[b + 2] = word(key, 8)
    t[b + 3] = word(key, 12)
    this.set(i, slot, pos, tag, ring)
    this.#size++
    return i
  }

  set(id: number, slot: number, pos: number, tag: number, ring: number): void {
    const b = id * STRIDE
    this.#t[b + SLOT] = slot
    this.#t[b + POS] = pos
    this.#t[b + TAG] = tag
    this.#t[b + RING] = ring
  }

  slot(id: number): number {
    return this.#t[id * STRIDE + SLOT]!
  }
  pos(id: number): number {
    return this.#t[id * STRIDE + POS]!
  }
  tag(id: number): number {
    return this.#t[id * STRIDE + TAG]!
  }
  ring(id: number): number {
    return this.#t[id * STRIDE + RING]!
  }

  /** Removes entry `id`; the entries after it in its probe run shift back (no tombstones). */
  remove(id: number): void {
    const t = this.#t
    const cap = this.#cap
    let hole = id
    for (let j = id + 1 === cap ? 0 : id + 1; t[j * STRIDE + SLOT] !== EMPTY; j = j + 1 === cap ? 0 : j + 1) {
      const h = home(t[j * STRIDE]!, cap)
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? h <= hole || h > j : h <= hole && h > j) {
        t.copyWithin(hole * STRIDE, j * STRIDE, j * STRIDE + STRIDE)
        this.relocate(t[hole * STRIDE + SLOT]!, t[hole * STRIDE + RING]!, hole)
        hole = j
      }
    }
    t[hole * STRIDE + SLOT] = EMPTY
    this.#size--
  }

  #grow(): void {
    const old = this.#t
    const cap = Math.ceil(this.#cap * 1.5)
    const t = new Int32Array(cap * STRIDE).fill(EMPTY)
    for (let b = 0; b < old.length; b += STRIDE) {
      if (old[b + SLOT] === EMPTY) continue
      let i = home(old[b]!, cap)
      while (t[i * STRIDE + SLOT] !== EMPTY) i = i + 1 === cap ? 0 : i + 1
      t.set(old.subarray(b, b + STRIDE), i * STRIDE)
      this.relocate(old[b + SLOT]!, old[b + RING]!, i)
    }
    this.#t = t
    this.#cap = cap
  }
}

// A key's first slot: its first word scaled to the table size (any size, not only powers of two).
function home(w0: number, cap: number): number {
  return Math.floor(((w0 >>> 0) * cap) / TWO_32)
}

/** Four characters of a binary digest as one 32-bit word (a shorter digest reads as zeros). */
export function word(key: string, at: number): number {
  return (
    (key.charCodeAt(at) & 0xff) |
    ((key.charCodeAt(at + 1) & 0xff) << 8) |
    ((key.charCodeAt(at + 2) & 0xff) << 16) |
    ((key.charCodeAt(at + 3) & 0xff) << 24)
  )
}
