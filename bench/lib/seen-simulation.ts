// The diversity simulation behind bench/seen-diversity.bench.ts: synthetic catalogues with
// popularity-skewed relevance, sessions of generations shown through a kit session's seen module
// (memory store, manual clock), and the same random draws for every policy.
import { createManualClock } from '../../src/clock.js'
import { createSessionKit } from '../../src/kit.js'
import { attributeOverlap, type RerankCandidate, rerank, type SeenPolicyInput } from '../../src/seen/index.js'
import { createMemoryStore } from '../../src/store/memory.js'
// Seeded: every policy sees the same catalogue, gaps and noise.
import { rng } from '../../test/helpers/rng.js'

/** One policy under test: a seen policy, optionally followed by MMR re-ranking. */
export interface SimPolicy {
  readonly name: string
  readonly policy: SeenPolicyInput
  /** Use attribute discounts (pass each candidate's attributes to the view). */
  readonly attributes?: boolean
  /** Re-rank with `rerank(..., { lambda })` instead of taking the top k. */
  readonly mmrLambda?: number
}

export interface SimConfig {
  readonly seed: number
  readonly catalogueSizes: readonly number[]
  readonly sessions: number
  readonly generations: number
  /** Items shown per generation. */
  readonly k: number
}

/** Figures of one policy on one catalogue size (or all sizes). */
export interface SimRow {
  readonly policy: string
  readonly size: string
  /** Share of shown items that the previous generation showed too. */
  readonly repeat1: number
  /** Share of shown items that one of the previous three generations showed (A-B-A ping-pong). */
  readonly repeat3: number
  /** Mean pairwise attribute distance (1 - Jaccard) inside a generation. */
  readonly diversity: number
  /** Relevance of what was shown / relevance of the top k (what `none` shows). */
  readonly relevance: number
  /** Share of shown attribute values (`color:c3`) that the previous generation showed too. */
  readonly attributeRepeat1: number
}

interface Item extends RerankCandidate {
  readonly attributes: readonly string[]
  readonly popularity: number
}

/** Relevance 1 + 2u^3 (most items middling, a few strong), 8 colors, 12 brands. */
function catalogue(size: number, random: () => number): Item[] {
  return Array.from({ length: size }, (_, i) => {
    const popularity = 1 + 2 * random() ** 3
    const attributes = [`color:c${Math.floor(random() * 8)}`, `brand:b${Math.floor(random() * 12)}`]
    return { id: `item-${i}`, score: popularity, popularity, attributes }
  })
}

// Gaps between requests: mostly seconds to minutes, one in ten long enough to cross a 30-minute window.
function gap(random: () => number): number {
  const r = random()
  if (r < 0.7) return 30_000 + random() * 150_000
  if (r < 0.9) return 180_000 + random() * 420_000
  return 1_800_000 + random() * 1_800_000
}

/** Runs every policy on every catalogue size; rows per size, then one row per policy over all sizes. */
export async function simulate(config: SimConfig, policies: readonly SimPolicy[]): Promise<SimRow[]> {
  const rows: SimRow[] = []
  const totals = new Map<string, Totals>()
  for (const size of config.catalogueSizes) {
    const items = catalogue(size, rng(config.seed * 7919 + size))
    for (const p of policies) {
      const t = newTotals()
      for (let s = 0; s < config.sessions; s++)
        await runSession(items, p, config, rng(config.seed + 1000 * size + s), t)
      rows.push(row(p.name, String(size), t))
      const all = totals.get(p.name) ?? newTotals()
      addTotals(all, t)
      totals.set(p.name, all)
    }
  }
  for (const p of policies) rows.push(row(p.name, 'all', totals.get(p.name) ?? newTotals()))
  return rows
}

interface Totals {
  shown: number
  values: number
  valueRepeat1: number
  repeat1: number
  repeat3: number
  pairs: number
  distance: number
  relevance: number
  ideal: number
}

const newTotals = (): Totals => ({
  shown: 0,
  values: 0,
  valueRepeat1: 0,
  repeat1: 0,
  repeat3: 0,
  pairs: 0,
  distance: 0,
  relevance: 0,
  ideal: 0,
})

function addTotals(into: Totals, t: Totals): void {
  for (const key of Object.keys(t) as (keyof Totals)[]) into[key] += t[key]
}

function row(policy: string, size: string, t: Totals): SimRow {
  return {
    policy,
    size,
    repeat1: t.repeat1 / t.shown,
    repeat3: t.repeat3 / t.shown,
    diversity: t.distance / t.pairs,
    relevance: t.relevance / t.ideal,
    attributeRepeat1: t.valueRepeat1 / t.values,
  }
}

async function runSession(
  items: readonly Item[],
  p: SimPolicy,
  config: SimConfig,
  random: () => number,
  t: Totals,
): Promise<void> {
  const clock = createManualClock(Date.parse('2026-01-01'))
  const kit = createSessionKit({
    store: createMemoryStore({ clock, sweepIntervalMs: 0 }),
    ttl: { idleMs: 24 * 3_600_000 },
    seen: { policy: p.policy },
  })
  const { seen } = await kit.create()
  const history: Set<string>[] = []
  const valueHistory: Set<string>[] = []
  for (let g = 0; g < config.generations; g++) {
    clock.advance(gap(random))
    // This request's relevance: the item's popularity plus request-specific noise (same draws for every policy).
    const relevance = items.map((item) => item.popularity + 0.15 * (random() + random() + random() - 1.5))
    const view = await seen.view()
    const candidates = items.map((item, i) => ({
      ...item,
      score: relevance[i] as number,
      penalised:
        (relevance[i] as number) + view.penalty(item.id, p.attributes === true ? item.attributes : undefined),
    }))
    const shown =
      p.mmrLambda === undefined
        ? [...candidates].sort((a, b) => b.penalised - a.penalised).slice(0, config.k)
        : rerank(candidates, { k: config.k, lambda: p.mmrLambda, view }).items
    const ideal = [...relevance].sort((a, b) => b - a).slice(0, config.k)
    record(shown, ideal, history, valueHistory, t)
    await seen.mark(
      shown.map((c) => c.id),
      { attributes: Object.fromEntries(shown.map((c) => [c.id, c.attributes])) },
    )
  }
  await kit.close()
}

function record(
  shown: readonly (Item & { score: number })[],
  ideal: readonly number[],
  history: Set<string>[],
  valueHistory: Set<string>[],
  t: Totals,
): void {
  const values = new Set(shown.flatMap((c) => c.attributes))
  for (const value of values) {
    t.values++
    if (valueHistory.at(-1)?.has(value)) t.valueRepeat1++
  }
  valueHistory.push(values)
  for (const c of shown) {
    t.shown++
    t.relevance += c.score
    if (history.at(-1)?.has(c.id)) t.repeat1++
    if (history.slice(-3).some((h) => h.has(c.id))) t.repeat3++
  }
  for (const r of ideal) t.ideal += r
  for (let i = 0; i < shown.length; i++) {
    for (let j = i + 1; j < shown.length; j++) {
      t.pairs++
      t.distance += 1 - attributeOverlap((shown[i] as Item).attributes, (shown[j] as Item).attributes)
    }
  }
  history.push(new Set(shown.map((c) => c.id)))
}
