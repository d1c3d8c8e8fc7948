import { checkRerankInput, type RerankCandidate, type RerankOptions } from './rerank-input.js'
import { attributeOverlap } from './similarity.js'
import type { SeenView } from './view-types.js'

/**
 * What `rerank` returns.
 *
 * @example
 * const { items, penaltyScale } = rerank(candidates, { k: 5, view, minScore: 0 })
 */
export interface RerankResult<C extends RerankCandidate> {
  /** The picks, best first: `min(k, candidates.length)` of them. */
  readonly items: C[]
  /** Each pick's score after its (possibly shrunk) penalty; for a capped pick, its bare score. */
  readonly scores: number[]
  /** How much of each penalty applied: 1, or less when penalties had to shrink to fill `k`. */
  readonly penaltyScale: number
  /** Picks taken from capped (excluded) candidates because nothing else was left. */
  readonly fromExcluded: number
  /** True when `maxPerAttribute` had to give way to fill `k`. */
  readonly attributeLimitRelaxed: boolean
}

const SCALES = [1, 0.5, 0.25, 0.125, 0]
// Preference of a pick, best first: [tier, blocked by maxPerAttribute]. Tier 1: good (not below
// the floor), 2: below the floor, 3: excluded by a cap.
const CLASSES: readonly (readonly [number, boolean])[] = [
  [1, false],
  [2, false],
  [1, true],
  [2, true],
  [3, false],
  [3, true],
]

/**
 * Greedy maximal marginal relevance in O(k * n): each step picks the candidate with the best
 * `lambda * relevance - (1 - lambda) * max similarity to the picks so far`, where relevance is
 * the penalised score normalised to [0, 1]. Capped candidates come last, only when nothing
 * else is left; `maxPerAttribute` gives way only when it would return fewer than `k`.
 *
 * @example
 * const { items } = rerank(candidates, { k: 5, lambda: 0.7, view: await s.seen.view() })
 */
export function rerank<C extends RerankCandidate>(
  candidates: readonly C[],
  options: RerankOptions<C>,
): RerankResult<C> {
  checkRerankInput(candidates, options)
  const n = candidates.length
  const k = Math.min(options.k, n)
  const lambda = options.lambda ?? 0.7
  const similarity =
    options.similarity ?? ((a: C, b: C) => (a.id === b.id ? 1 : attributeOverlap(a.attributes, b.attributes)))
  const { base, cut, excluded } = penaltiesOf(candidates, options.view)
  const penaltyScale = chooseScale(base, cut, excluded, k, options.minScore)
  const tier = new Uint8Array(n)
  const x = new Float64Array(n)
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    const score = excluded[i] === 1 ? (base[i] as number) : scaled(base, cut, i, penaltyScale)
    x[i] = score
    tier[i] = excluded[i] === 1 ? 3 : options.minScore === undefined || score >= options.minScore ? 1 : 2
    if (score < lo) lo = score
    if (score > hi) hi = score
  }
  const span = hi - lo
  // The relevance term of a candidate is the same at every step: computed once, not k times.
  const gain = new Float64Array(n)
  for (let i = 0; i < n; i++) gain[i] = lambda * (span > 0 ? ((x[i] as number) - lo) / span : 1)
  const limits = attributeLimits(options.maxPerAttribute)
  const used = new Map<string, number>()
  const maxSim = new Float64Array(n)
  const taken = new Uint8Array(n)
  const items: C[] = []
  const scores: number[] = []
  let fromExcluded = 0
  let relaxed = false
  const best = new Int32Array(CLASSES.length)
  const bestValue = new Float64Array(CLASSES.length)
  for (let step = 0; step < k; step++) {
    best.fill(-1)
    for (let i = 0; i < n; i++) {
      if (taken[i] === 1) continue
      const value = (gain[i] as number) - (1 - lambda) * (maxSim[i] as number)
      const cls = classOf(
        tier[i] as number,
        limits !== undefined && isBlocked(candidates[i] as C, limits, used),
      )
      if (best[cls] === -1 || value > (bestValue[cls] as number)) {
        best[cls] = i
        bestValue[cls] = value
      }
    }
    let pick = -1
    for (let cls = 0; cls < CLASSES.length && pick === -1; cls++) {
      pick = best[cls] as number
      if (pick !== -1 && (CLASSES[cls] as readonly [number, boolean])[1]) relaxed = true
    }
    const chosen = candidates[pick] as C
    taken[pick] = 1
    items.push(chosen)
    scores.push(x[pick] as number)
    if (tier[pick] === 3) fromExcluded++
    for (const value of chosen.attributes ?? []) used.set(value, (used.get(value) ?? 0) + 1)
    if (lambda < 1 && step + 1 < k) {
      for (let i = 0; i < n; i++) {
        if (taken[i] === 1) continue
        const s = similarity(candidates[i] as C, chosen)
        if (s > (maxSim[i] as number)) maxSim[i] = s
      }
    }
  }
  return { items, scores, penaltyScale, fromExcluded, attributeLimitRelaxed: relaxed }
}

/** Each candidate's bare score and how the view cuts it (additive penalty, or 1 - factor). */
function penaltiesOf(candidates: readonly RerankCandidate[], view: SeenView | undefined) {
  const n = candidates.length
  const base = new Float64Array(n)
  const cut = new Float64Array(n)
  const excluded = new Uint8Array(n)
  const multiply = view?.scoring === 'multiplicative'
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as RerankCandidate
    base[i] = c.score
    if (view === undefined) continue
    const p = view.penalty(c.id, c.attributes)
    if (p === Number.NEGATIVE_INFINITY) excluded[i] = 1
    else cut[i] = multiply ? -(1 - view.factor(c.id, c.attributes)) * c.score : p
  }
  return { base, cut, excluded }
}

function scaled(base: Float64Array, cut: Float64Array, i: number, scale: number): number {
  return (base[i] as number) + scale * (cut[i] as number)
}

// The largest penalty scale at which at least min(k, not excluded) candidates clear the floor.
function chooseScale(
  base: Float64Array,
  cut: Float64Array,
  excluded: Uint8Array,
  k: number,
  minScore: number | undefined,
): number {
  if (minScore === undefined) return 1
  let available = 0
  for (let i = 0; i < excluded.length; i++) if (excluded[i] === 0) available++
  const need = Math.min(k, available)
  for (const scale of SCALES) {
    let good = 0
    for (let i = 0; i < base.length; i++) {
      if (excluded[i] === 0 && scaled(base, cut, i, scale) >= minScore) good++
    }
    if (good >= need) return scale
  }
  return 0
}

type Limits = { readonly all: number | undefined; readonly byKey: ReadonlyMap<string, number> }

function attributeLimits(limit: RerankOptions['maxPerAttribute']): Limits | undefined {
  if (limit === undefined) return undefined
  if (typeof limit === 'number') return { all: limit, byKey: new Map() }
  return { all: undefined, byKey: new Map(Object.entries(limit)) }
}

function isBlocked(c: RerankCandidate, limits: Limits, used: ReadonlyMap<string, number>): boolean {
  for (const value of c.attributes ?? []) {
    const count = used.get(value)
    if (count === undefined) continue
    const max = limits.all ?? limits.byKey.get(value.slice(0, value.indexOf(':')))
    if (max !== undefined && count >= max) return true
  }
  return false
}

function classOf(tier: number, blocked: boolean): number {
  if (tier === 3) return blocked ? 5 : 4
  return tier - 1 + (blocked ? 2 : 0)
}
