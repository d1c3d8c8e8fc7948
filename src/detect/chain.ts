import { type DetectorHash, type HashStream, probeKey } from './hash.js'

/**
 * The prefix hashes of one request: `c_p` is the digest of the header (seed and tenant) followed
 * by the canonical pieces 1..p, so `c_p` is `c_(p-1)` extended by piece p (the running SHA-256
 * state is the chain). One pass over the text gives every probed position: the text between two
 * of them goes in one update, and the state is copied at each (see {@link probePositions}). For
 * `bindReply` it keeps the state at the lowest of the last three positions and the pieces after it.
 */
export class RequestChain {
  /** Probe keys by position (1-based), digested when first asked for. */
  readonly #keys: (string | undefined)[]
  readonly #copies: (HashStream | undefined)[]
  /** UTF-16 code units fed to the hash. */
  readonly bytes: number
  /** Position of the state kept for bindReply (0: none, the request is one piece long). */
  readonly #start: number
  readonly #base: HashStream | undefined

  constructor(
    readonly hash: DetectorHash,
    readonly header: string,
    readonly pieces: readonly string[],
    /** Positions below `n` whose state is copied, ascending: see {@link chainCuts}. */
    cuts: readonly number[],
    /** The text between cuts: `cuts.length + 1` strings, the header first. */
    segments: readonly string[],
  ) {
    const n = pieces.length
    this.#keys = new Array(n + 1)
    this.#copies = new Array(n + 1)
    const h = hash.create()
    let bytes = 0
    for (let i = 0; i < segments.length; i++) {
      if (i > 0) this.#copies[cuts[i - 1]!] = h.copy()
      h.update(segments[i]!)
      bytes += segments[i]!.length
    }
    this.#keys[n] = probeKey(h.digest())
    this.bytes = bytes
    this.#start = baseOf(n)
    this.#base = this.#copies[this.#start]
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
      // A request of one piece.
      h = this.hash.create()
      const head = this.header + this.pieces[0]!
      h.update(head)
      bytes += head.length
    } else {
      h = this.#base.copy()
      for (let p = this.#start; p < n; p++) {
        h.update(this.pieces[p]!)
        bytes += this.pieces[p]!.length
      }
    }
    h.update(piece)
    return { key: h.digest(), bytes }
  }

  /** Whether the pass kept prefix `p` (the request's own position or a cut), so `key(p)` has it. */
  has(p: number): boolean {
    return this.#keys[p] !== undefined || this.#copies[p] !== undefined
  }

  /** The probe key of prefix `p`, which the pass kept (see {@link has}). */
  key(p: number): string {
    const known = this.#keys[p]
    if (known !== undefined) return known
    const copy = this.#copies[p]!
    // The base stays for bindReply: digest a copy of it.
    const k = probeKey(copy === this.#base ? copy.copy().digest() : copy.digest())
    this.#copies[p] = undefined
    this.#keys[p] = k
    return k
  }
}

/**
 * The positions a request is probed at, newest first: the request itself (a retry), the two
 * states before it (a turn after `bindReply`, a turn without it), and the state of its last
 * answer and the one before it (a turn that adds several messages after the answer: parallel
 * tool results), never below `lowest`. Older states are left to fuzzy matching.
 */
export function probePositions(n: number, lastAssistant: number, lowest: number): number[] {
  const out = [n]
  for (const p of [n - 1, n - 2, lastAssistant, lastAssistant - 1]) {
    if (p >= lowest && p < out[out.length - 1]!) out.push(p)
  }
  return out
}

// The position whose state bindReply extends (0 for a request of one piece: it rehashes it).
function baseOf(n: number): number {
  return n > 1 ? Math.max(1, n - 2) : 0
}

/**
 * The positions whose state the pass copies: the probed ones below `n`, and the two states before
 * the request (the base of bindReply, and a reset split's last state), whether probed or not.
 */
export function chainCuts(probes: readonly number[], n: number): number[] {
  // `probes` is descending and below n after its first: the older ones, then n - 2 and n - 1.
  const cuts: number[] = []
  for (let i = probes.length - 1; i >= 1; i--) if (probes[i]! < n - 2) cuts.push(probes[i]!)
  if (n - 2 >= 1) cuts.push(n - 2)
  if (n - 1 >= 1) cuts.push(n - 1)
  return cuts
}

/**
 * The chain's text cut at `cuts` (ascending positions below `n`): the header and pieces up to the
 * first cut as one string (one update instead of one per piece), then the pieces between cuts.
 */
export function chainSegments(header: string, pieces: readonly string[], cuts: readonly number[]): string[] {
  const out: string[] = []
  let s = header
  let from = 0
  for (const cut of cuts) {
    for (let i = from; i < cut; i++) s += pieces[i]
    out.push(s)
    s = ''
    from = cut
  }
  for (let i = from; i < pieces.length; i++) s += pieces[i]
  out.push(s)
  return out
}
