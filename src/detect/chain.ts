import { type DetectorHash, type HashStream, probeKey } from './hash.js'

/** Positions digested in the first pass: the request itself and the two states before it. */
const FAST_WINDOW = 3

/**
 * The prefix hashes of one request: `c_p` is the digest of the tenant header followed by the
 * canonical messages 1..p, so `c_p` is `c_(p-1)` extended by message p (the running SHA-256
 * state is the chain). One pass over the bytes gives the last three positions (a retry, a turn
 * after `bindReply`, a turn without it); older positions cost a second pass, only when those miss.
 * The running states before the last message are kept for `bindReply`, which extends one of them.
 */
export class RequestChain {
  /** Probe keys by position (1-based); filled as needed. */
  readonly #keys: (string | undefined)[]
  readonly #copies: (HashStream | undefined)[]
  /** UTF-16 code units fed to the hash. */
  bytes = 0
  readonly #start: number
  #slowDone = false

  constructor(
    readonly hash: DetectorHash,
    readonly header: string,
    readonly pieces: readonly string[],
    /** Lowest position a lookup may ask for. */
    readonly lowest: number,
  ) {
    const n = pieces.length
    this.#keys = new Array(n + 1)
    this.#copies = new Array(n + 1)
    this.#start = Math.max(1, n - FAST_WINDOW + 1)
    const h = hash.create()
    this.#feed(h, this.#start)
    for (let p = this.#start; p <= n; p++) {
      const piece = pieces[p - 1]!
      h.update(piece)
      this.bytes += piece.length
      if (p < n) this.#copies[p] = h.copy()
    }
    this.#keys[n] = probeKey(h.digest())
  }

  /**
   * The key of the request extended by one more canonical message (`bindReply`): from the newest
   * running state the probes left unused, else from the start. Returns the key and the code units
   * hashed for it.
   */
  extendedKey(piece: string): { key: string; bytes: number } {
    const n = this.pieces.length
    let from = n - 1
    while (from >= this.#start && this.#copies[from] === undefined) from--
    let h: HashStream
    let bytes = piece.length
    if (from >= this.#start && from >= 1) {
      h = this.#copies[from]!.copy()
    } else {
      h = this.hash.create()
      from = n
      bytes += this.#feed(h, n + 1)
    }
    for (let q = from + 1; q <= n; q++) {
      h.update(this.pieces[q - 1]!)
      bytes += this.pieces[q - 1]!.length
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
      const k = probeKey(copy.digest())
      this.#copies[p] = undefined
      this.#keys[p] = k
      return k
    }
    this.#slowPass()
    return this.#keys[p]!
  }

  // Positions lowest..start-1 in one more pass over their bytes.
  #slowPass(): void {
    if (this.#slowDone) return
    this.#slowDone = true
    const lo = Math.max(1, this.lowest)
    const hi = this.#start - 1
    if (lo > hi) return
    const h = this.hash.create()
    this.#feed(h, lo)
    for (let p = lo; p <= hi; p++) {
      const piece = this.pieces[p - 1]!
      h.update(piece)
      this.bytes += piece.length
      this.#keys[p] = probeKey(p < hi ? h.copy().digest() : h.digest())
    }
  }

  // The header and messages 1..upTo-1 as one string: one update instead of one per message.
  #feed(h: HashStream, upTo: number): number {
    let s = this.header
    for (let i = 0; i < upTo - 1; i++) s += this.pieces[i]
    h.update(s)
    this.bytes += s.length
    return s.length
  }
}
