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

/** How many indexed replies have each sketch: a filter with no false negatives. */
export class ReplySketches {
  readonly #counts = new Map<number, number>()

  /** Counts one more indexed reply with this sketch. */
  add(sketch: number): void {
    this.#counts.set(sketch, (this.#counts.get(sketch) ?? 0) + 1)
  }

  /** Counts one fewer (a reply left its session's ring, or its session ended). */
  remove(sketch: number): void {
    const c = this.#counts.get(sketch)
    if (c === undefined) return
    if (c <= 1) this.#counts.delete(sketch)
    else this.#counts.set(sketch, c - 1)
  }

  /** Whether some indexed reply may have this sketch. */
  has(sketch: number): boolean {
    return this.#counts.has(sketch)
  }
}
