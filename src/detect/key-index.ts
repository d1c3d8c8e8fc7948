const STRIDE = 8
// Fields of an entry, after its four key words.
const SLOT = 4
const POS = 5
const TAG = 6
const RING = 7

/**
 * The chain-key index: 128-bit keys to (session slot, position, tag, ring index), in typed arrays.
 * Entries live in one Int32Array (32 bytes each, key and fields on one cache line); an open-
 * addressing table of entry ids (linear probing, backward-shift deletion, load at most 1/2) finds
 * them. About 40 bytes a key and two cache misses a lookup, whatever the number of keys: a Map of
 * strings costs twice the memory and a miss more per step.
 */
export class KeyIndex {
  #entries = new Int32Array(1024 * STRIDE)
  #table = new Int32Array(2048)
  #mask = 2047
  #free: number[] = []
  #next = 0
  #size = 0

  get size(): number {
    return this.#size
  }

  /** The entry id of `key`, or -1. */
  find(key: string): number {
    const w0 = word(key, 0)
    const w1 = word(key, 4)
    const w2 = word(key, 8)
    const w3 = word(key, 12)
    const e = this.#entries
    for (let i = w0 & this.#mask; ; i = (i + 1) & this.#mask) {
      const id = this.#table[i]! - 1
      if (id < 0) return -1
      const b = id * STRIDE
      if (e[b] === w0 && e[b + 1] === w1 && e[b + 2] === w2 && e[b + 3] === w3) return id
    }
  }

  /** Adds `key` (absent: check with `find` first) and returns its entry id. */
  insert(key: string, slot: number, pos: number, tag: number, ring: number): number {
    if ((this.#size + 1) * 2 > this.#table.length) this.#grow()
    const id = this.#free.pop() ?? this.#next++
    if ((id + 1) * STRIDE > this.#entries.length) {
      const bigger = new Int32Array(this.#entries.length * 2)
      bigger.set(this.#entries)
      this.#entries = bigger
    }
    const e = this.#entries
    const b = id * STRIDE
    e[b] = word(key, 0)
    e[b + 1] = word(key, 4)
    e[b + 2] = word(key, 8)
    e[b + 3] = word(key, 12)
    this.set(id, slot, pos, tag, ring)
    this.#place(id)
    this.#size++
    return id
  }

  set(id: number, slot: number, pos: number, tag: number, ring: number): void {
    const b = id * STRIDE
    this.#entries[b + SLOT] = slot
    this.#entries[b + POS] = pos
    this.#entries[b + TAG] = tag
    this.#entries[b + RING] = ring
  }

  slot(id: number): number {
    return this.#entries[id * STRIDE + SLOT]!
  }
  pos(id: number): number {
    return this.#entries[id * STRIDE + POS]!
  }
  tag(id: number): number {
    return this.#entries[id * STRIDE + TAG]!
  }
  ring(id: number): number {
    return this.#entries[id * STRIDE + RING]!
  }

  /** Removes entry `id`; the entries after it in its probe run shift back (no tombstones). */
  remove(id: number): void {
    const t = this.#table
    const mask = this.#mask
    let i = this.#entries[id * STRIDE]! & mask
    while (t[i] !== id + 1) i = (i + 1) & mask
    let hole = i
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const home = this.#entries[(t[j]! - 1) * STRIDE]! & mask
      // Move j into the hole unless its home lies cyclically in (hole, j].
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        t[hole] = t[j]!
        hole = j
      }
    }
    t[hole] = 0
    // A stale id held elsewhere (a ring) must not look like anyone's entry.
    this.#entries[id * STRIDE + SLOT] = -1
    this.#free.push(id)
    this.#size--
  }

  #place(id: number): void {
    const t = this.#table
    let i = this.#entries[id * STRIDE]! & this.#mask
    while (t[i] !== 0) i = (i + 1) & this.#mask
    t[i] = id + 1
  }

  #grow(): void {
    const old = this.#table
    this.#table = new Int32Array(old.length * 2)
    this.#mask = this.#table.length - 1
    for (const v of old) if (v !== 0) this.#place(v - 1)
  }
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
