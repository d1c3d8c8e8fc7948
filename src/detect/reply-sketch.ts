/**
 * A 30-bit sketch of a message's canonical piece: its length and eight of its characters, read
 * without a pass over it. Equal pieces have equal sketches, so a reply whose sketch no session
 * holds has no fingerprint in the index either, and need not be digested: a request that matches
 * nothing (a fragment) skips the digests fuzzy matching would compute for nothing.
 */
export function pieceSketch(piece: string): number {
  const n = piece.length
  return n < 3 ? Math.imul(n, 0x9e3779b1) & SMALL : sketchFrom(n, piece, 0)
}

// Sketches are kept to 30 bits: small integers in V8, so the filter's map keys and the rings of
// sketches hold no boxed numbers (a boxed key cost an allocation per lookup).
const SMALL = 0x3fffffff

/**
 * `pieceSketch(piece)` of a piece that is `text` (a message's content) framed by a short head and
 * one closing character, read from `text`: a piece is a concatenation, and reading its characters
 * would copy it whole into a flat string first (a fragment's replies are sketched and no more).
 */
export function framedSketch(piece: string, text: string): number {
  const n = piece.length
  const head = n - text.length - 1
  return n < 3 || head < 0 || n >> 3 < head ? pieceSketch(piece) : sketchFrom(n, text, head)
}

// The sketch of a piece of length n (at least 3), reading its character i as s.charCodeAt(i - shift).
function sketchFrom(n: number, s: string, shift: number): number {
  let h = Math.imul(n, 0x9e3779b1)
  // Fractions of the length (the front is the role and length framing, alike for many replies).
  h = mix(h, s.charCodeAt((n >> 1) - shift))
  h = mix(h, s.charCodeAt((n >> 2) - shift))
  h = mix(h, s.charCodeAt(((3 * n) >> 2) - shift))
  h = mix(h, s.charCodeAt((n >> 3) - shift))
  h = mix(h, s.charCodeAt(((5 * n) >> 3) - shift))
  h = mix(h, s.charCodeAt(((7 * n) >> 3) - shift))
  h = mix(h, s.charCodeAt(n - 2 - shift))
  return mix(h, s.charCodeAt(n - 3 - shift)) & SMALL
}

function mix(h: number, c: number): number {
  const x = Math.imul(h ^ c, 0x85ebca6b)
  return x ^ (x >>> 13)
}

/**
 * How many indexed replies have each sketch: an exact set with counts, open addressing in one
 * typed array (key + 1 and count per slot, linear probing, at most half full). A never-seen
 * request asks it once per reply; a lookup reads one cache line where a `Map` of that size read
 * several, each a likely cache miss.
 */
export class ReplySketches {
  #table = new Int32Array(2 * MIN_SLOTS)
  #mask = MIN_SLOTS - 1
  #size = 0

  /** Counts one more indexed reply with this sketch. */
  add(sketch: number): void {
    const i = this.#slot(sketch)
    const t = this.#table
    if (t[2 * i] !== 0) {
      t[2 * i + 1]!++
      return
    }
    t[2 * i] = sketch + 1
    t[2 * i + 1] = 1
    if (++this.#size * 2 > this.#mask + 1) this.#grow()
  }

  /** Counts one fewer (a reply left its session's ring, or its session ended). */
  remove(sketch: number): void {
    let i = this.#slot(sketch)
    const t = this.#table
    if (t[2 * i] === 0 || --t[2 * i + 1]! > 0) return
    // Backward-shift deletion: later entries of the run move into the hole when their home slot
    // is not between the hole and them, so every lookup still finds its key before an empty slot.
    const mask = this.#mask
    for (let j = (i + 1) & mask; t[2 * j] !== 0; j = (j + 1) & mask) {
      const home = (t[2 * j]! - 1) & mask
      if (i < j ? home <= i || home > j : home <= i && home > j) {
        t[2 * i] = t[2 * j]!
        t[2 * i + 1] = t[2 * j + 1]!
        i = j
      }
    }
    t[2 * i] = 0
    t[2 * i + 1] = 0
    this.#size--
  }

  /** Whether some indexed reply may have this sketch. */
  has(sketch: number): boolean {
    return this.#table[2 * this.#slot(sketch)] !== 0
  }

  // The slot holding `sketch`, or the empty slot where it would go.
  #slot(sketch: number): number {
    const t = this.#table
    const key = sketch + 1
    let i = sketch & this.#mask
    for (let k = t[2 * i]; k !== 0 && k !== key; k = t[2 * i]) i = (i + 1) & this.#mask
    return i
  }

  #grow(): void {
    const old = this.#table
    this.#table = new Int32Array(2 * old.length)
    this.#mask = old.length - 1
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue
      const j = this.#slot(old[i]! - 1)
      this.#table[2 * j] = old[i]!
      this.#table[2 * j + 1] = old[i + 1]!
    }
  }
}

const MIN_SLOTS = 256
