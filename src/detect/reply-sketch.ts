/**
 * A 32-bit sketch of a message's canonical piece: its length and eight of its characters, read
 * without a pass over it. Equal pieces have equal sketches, so a reply whose sketch no session
 * holds has no fingerprint in the index either, and need not be digested: a request that matches
 * nothing (a fragment) skips the digests fuzzy matching would compute for nothing.
 */
export function pieceSketch(piece: string): number {
  const n = piece.length
  let h = Math.imul(n, 0x9e3779b1)
  if (n < 3) return h
  // Fractions of the length (the front is the role and length framing, alike for many replies).
  h = mix(h, piece.charCodeAt(n >> 1))
  h = mix(h, piece.charCodeAt(n >> 2))
  h = mix(h, piece.charCodeAt((3 * n) >> 2))
  h = mix(h, piece.charCodeAt(n >> 3))
  h = mix(h, piece.charCodeAt((5 * n) >> 3))
  h = mix(h, piece.charCodeAt((7 * n) >> 3))
  h = mix(h, piece.charCodeAt(n - 2))
  return mix(h, piece.charCodeAt(n - 3))
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
