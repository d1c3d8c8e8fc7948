import type { SessionRec, SessionTable } from './session-table.js'

/** Option `fuzzy` after validation. */
export interface FuzzyConfig {
  readonly threshold: number
  readonly window: number
  readonly band: number
  readonly maxCandidates: number
}

/** A fuzzy placement: the session, how similar, and which request fingerprint anchored it. */
export interface FuzzyMatch {
  readonly s: SessionRec
  readonly similarity: number
  /** Index in the request's fingerprints of the last one the session knows. */
  readonly anchor: number
}

/**
 * Places a request that matched no prefix exactly. Candidates come from the inverted index of
 * reply fingerprints (replies only one live session of this tenant produced), newest first, at
 * most `maxCandidates`; each is scored by {@link similarity} against its recent replies. Cost:
 * O(window) map lookups plus O(maxCandidates * window * band).
 *
 * @param fps the fingerprints of the request's assistant messages, oldest first
 */
export function fuzzyMatch(
  table: SessionTable,
  tenant: string,
  fps: readonly string[],
  cfg: FuzzyConfig,
): FuzzyMatch | undefined {
  const candidates: SessionRec[] = []
  const stop = Math.max(0, fps.length - cfg.window)
  for (let i = fps.length - 1; i >= stop && candidates.length < cfg.maxCandidates; i--) {
    const s = table.replyOwner(fps[i]!)
    if (s !== undefined && s.tenant === tenant && !candidates.includes(s)) candidates.push(s)
  }
  let best: FuzzyMatch | undefined
  for (const s of candidates) {
    const m = similarity(fps, table.orderedReplies(s), cfg.band, cfg.window)
    if (m.similarity > (best?.similarity ?? -1)) best = { s, similarity: m.similarity, anchor: m.anchor }
  }
  return best !== undefined && best.similarity >= cfg.threshold ? best : undefined
}

/**
 * How well a request's reply sequence `a` continues a session's `b` (both oldest first), 0 to 1.
 * Anchor: the newest element of `a` that `b` holds (later ones are replies `b` has not seen yet).
 * Then a banded edit distance between `a` and `b` read backward from the anchor, over at most
 * `window` elements of `a`, where `b`'s older part may run on for free (a client that dropped its
 * oldest messages): similarity = 1 - distance / compared. An edited reply costs 1, a dropped or
 * inserted one costs 1; an edited user message is invisible here.
 *
 * @example
 * similarity(['r3', 'r4', 'x'], ['r1', 'r2', 'r3', 'r4'], 4, 16) // { similarity: 1, anchor: 1 }
 */
export function similarity(
  a: readonly string[],
  b: readonly string[],
  band: number,
  window: number,
): { similarity: number; anchor: number } {
  let ia = a.length - 1
  let jb = -1
  for (; ia >= 0; ia--) {
    jb = b.lastIndexOf(a[ia]!)
    if (jb >= 0) break
  }
  if (ia < 0) return { similarity: 0, anchor: -1 }
  const len = Math.min(ia + 1, jb + 1, window)
  const m = jb + 1
  // Rolling rows of the DP over x = a read backward from ia, y = b read backward from jb.
  let prev = new Array<number>(m + 1)
  let cur = new Array<number>(m + 1)
  for (let l = 0; l <= m; l++) prev[l] = l <= band ? l : Number.POSITIVE_INFINITY
  for (let k = 1; k <= len; k++) {
    const xk = a[ia - k + 1]
    cur.fill(Number.POSITIVE_INFINITY)
    if (k <= band) cur[0] = k
    const lo = Math.max(1, k - band)
    const hi = Math.min(m, k + band)
    for (let l = lo; l <= hi; l++) {
      const sub = prev[l - 1]! + (xk === b[jb - l + 1] ? 0 : 1)
      cur[l] = Math.min(sub, prev[l]! + 1, cur[l - 1]! + 1)
    }
    ;[prev, cur] = [cur, prev]
  }
  let d = Number.POSITIVE_INFINITY
  for (let l = Math.max(0, len - band); l <= Math.min(m, len + band); l++) d = Math.min(d, prev[l]!)
  return { similarity: Math.max(0, 1 - d / len), anchor: ia }
}
