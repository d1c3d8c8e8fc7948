import type { SessionTable } from './session-table.js'

/** Option `fuzzy` after validation. */
export interface FuzzyConfig {
  readonly threshold: number
  readonly window: number
  readonly band: number
  readonly maxCandidates: number
}

/** A fuzzy placement: the session, how similar, and which request fingerprint anchored it. */
export interface FuzzyMatch {
  /** The session's slot. */
  readonly s: number
  readonly similarity: number
  /** Index in the request's fingerprints of the last one the session knows. */
  readonly anchor: number
}

/**
 * Places a request that matched no prefix exactly. Candidates come from the inverted index of
 * reply fingerprints (replies only one live session of this tenant produced), newest first, at
 * most `maxCandidates`; the first whose {@link similarity} against its recent replies reaches the
 * threshold wins. Cost:
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
  const candidates: number[] = []
  const stop = Math.max(0, fps.length - cfg.window)
  for (let i = fps.length - 1; i >= stop && candidates.length < cfg.maxCandidates; i--) {
    const s = table.replyOwner(fps[i]!)
    if (s >= 0 && table.tenant(s) === tenant && !candidates.includes(s)) candidates.push(s)
  }
  // The session of the newest known reply wins when it scores: after a reset split, the request
  // carries the old session's replies too, but it continues the new one.
  for (const s of candidates) {
    const m = similarity(fps, table.orderedReplies(s), cfg.band, cfg.window)
    if (m.similarity >= cfg.threshold) return { s, similarity: m.similarity, anchor: m.anchor }
  }
  return undefined
}

/**
 * How well a request's reply sequence `a` continues a session's `b` (both oldest first), 0 to 1.
 * Anchor: the newest element of `a` that `b` holds (later ones are replies `b` has not seen yet).
 * Then a banded edit distance between `a` and `b` read backward from the anchor, over at most
 * `window` elements of `a`, where dropping elements of `b` is free (replies of abandoned branches
 * and regenerations, messages the client left out) and each element of `a` that `b` lacks costs 1
 * (an edited reply): similarity = 1 - distance / compared. An edited user message is invisible
 * here. The band bounds how many elements of `b` may be skipped: O(window * band).
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
  const m = jb + 1
  // No more elements of `a` than `b` holds up to the anchor: a session that began later (a reset
  // split, a fragment) is not charged for the history before it.
  const len = Math.min(ia + 1, m, window)
  // Rolling rows of the DP over x = a read backward from ia, y = b read backward from jb:
  // cur[l] = least cost of x[0..k) against y[0..l), skipping y for free within the band.
  let prev = new Array<number>(m + 1).fill(0)
  let cur = new Array<number>(m + 1)
  for (let k = 1; k <= len; k++) {
    const xk = a[ia - k + 1]
    const lo = Math.max(0, k - band - 1)
    const hi = Math.min(m, k + band)
    cur.fill(Number.POSITIVE_INFINITY)
    for (let l = lo; l <= hi; l++) {
      let best = prev[l]! + 1
      if (l > 0) {
        if (xk === b[jb - l + 1]) best = Math.min(best, prev[l - 1]!)
        best = Math.min(best, cur[l - 1]!)
      }
      cur[l] = best
    }
    ;[prev, cur] = [cur, prev]
  }
  let d = Number.POSITIVE_INFINITY
  for (const v of prev) d = Math.min(d, v)
  return { similarity: Math.max(0, 1 - d / len), anchor: ia }
}
