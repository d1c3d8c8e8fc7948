import { type DetectorHash, type HashStream, probeKey } from './hash.js'

/** Positions digested in the first pass: the request itself and the two states before it. */
const FAST_WINDOW = 3

/**
 * The prefix hashes of one request: `c_p` is the digest of the header (seed and tenant) followed
 * by the canonical pieces 1..p, so `c_p` is `c_(p-1)` extended by piece p (the running SHA-256
 * state is the chain). One pass over the text gives the last three positions (a retry, a turn
 * after `bindReply`, a turn without it): the head (header and pieces up to `start`) in one
 * update, then one update per piece, with two copies of the state; older positions cost a second
 * pass, only when those miss. For `bindReply` it keeps the state after `start` and the pieces.
 */
export class RequestChain {
  /** Probe keys by position (1-based); filled as needed. */
  readonly #keys: (string | undefined)[]
  readonly #copies: (HashStream | undefined)[]
  /** UTF-16 code units fed to the hash. */
  bytes: number
  #slowDone = false
  /** The running state after piece `start`; none when the request is one piece long. */
  readonly #base: HashStream | undefined

  constructor(
    readonly hash: DetectorHash,
    readonly header: string,
    readonly pieces: readonly string[],
    /** Lowest position a lookup may ask for. */
    readonly lowest: number,
    /** `chainStart(n)`. */
    readonly start: number,
    /** The header and pieces 1..start as one string (see `chainHead`). */
    head: string,
  ) {
    const n = pieces.length
    this.#keys = new Array(n + 1)
    this.#copies = new Array(n + 1)
    const h = hash.create()
    h.update(head)
    this.bytes = head.length
    for (let p = start; p < n; p++) {
      this.#copies[p] = h.copy()
      const piece = pieces[p]!
      h.update(piece)
      this.bytes += piece.length
    }
    this.#keys[n] = probeKey(h.digest())
    this.#base = this.#copies[start]
  }

  /**
   * The key of the request extended by one more canonical piece (`bindReply`), from the kept
   * state. Returns the key and the code units hashed for it.
   */
  extendedKey(piece: string): { key: string; bytes: number } {
    const n = this.pieces.length
    let h: HashStream
    let bytes = piece.length
    if (this.#base === undefined) {
      h = this.hash.create()
      const head = chainHead(this.header, this.pieces, n)
      h.update(head)
      bytes += head.length
    } else {
      h = this.#base.copy()
      for (let p = this.start; p < n; p++) {
        h.update(this.pieces[p]!)
        bytes += this.pieces[p]!.length
      }
    }
    h.update(piece)
    return { key: h.digest(), bytes }
  }

  /** The probe key of prefix `p` (1 <= p <= n). */
  key(p: number): string {
    const known = this.#keys[p]
    if (known !== undefined) return known
    const copy = this.#copies[p]
    if (copy !== undefined) {
      // The base stays for bindReply: digest a copy of it.
      const k = probeKey(copy === this.#base ? copy.copy().digest() : copy.digest())
      this.#copies[p] = undefined
      this.#keys[p] = k
      return k
    }
    this.#slowPass()
    return this.#keys[p]!
  }

  // Positions lowest..start-1 in one more pass over their text.
  #slowPass(): void {
    if (this.#slowDone) return
    this.#slowDone = true
    const lo = Math.max(1, this.lowest)
    const hi = this.start - 1
    if (lo > hi) return
    const h = this.hash.create()
    const head = chainHead(this.header, this.pieces, lo)
    h.update(head)
    this.bytes += head.length
    for (let p = lo; p <= hi; p++) {
      if (p > lo) {
        h.update(this.pieces[p - 1]!)
        this.bytes += this.pieces[p - 1]!.length
      }
      this.#keys[p] = probeKey(p < hi ? h.copy().digest() : h.digest())
    }
  }
}

/** The first position of the first pass for a request of `n` pieces. */
export function chainStart(n: number): number {
  return Math.max(1, n - FAST_WINDOW + 1)
}

/** The header and pieces 1..upTo as one string: one update instead of one per piece. */
export function chainHead(header: string, pieces: readonly string[], upTo: number): string {
  let s = header
  for (let i = 0; i < upTo; i++) s += pieces[i]
  return s
}
