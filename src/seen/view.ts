import { invalidArgument } from '../errors.js'
import { explainItem } from './explain.js'
import { capCount, type Folded } from './fold.js'
import type { ResolvedSeenPolicy } from './policy-types.js'
import { additive, combinedStrength, multiplicative } from './strength.js'
import type { ScoreArray, SeenExplanation, SeenView } from './view-types.js'

/** The lookups a view answers from: all computed once, when the view is made. */
export interface ViewTables {
  /** Item part only (both levels, cap). */
  readonly itemPenalty: Map<string, number>
  readonly itemFactor: Map<string, number>
  /** Item part plus the discounts of the attribute values stored with the item. */
  readonly fullPenalty: Map<string, number>
  readonly fullFactor: Map<string, number>
  /** Attribute value -> discount. */
  readonly valuePenalty: Map<string, number>
  readonly valueFactor: Map<string, number>
  readonly excluded: Set<string>
}

/**
 * Builds a view over folded exposures: every penalty is computed here, so `penalty(id)` is a
 * single `Map.get` and allocates nothing.
 *
 * @example
 * const view = createSeenView(foldGenerations(now, policy, session, user), policy, now)
 */
export function createSeenView(folded: Folded, policy: ResolvedSeenPolicy, at: number): SeenView {
  const t = buildTables(folded, policy)
  const { itemPenalty, itemFactor, fullPenalty, fullFactor, valuePenalty, valueFactor } = t

  function penalty(id: string, attrs?: readonly string[]): number {
    if (attrs === undefined) {
      const p = fullPenalty.get(id)
      return p === undefined ? 0 : p
    }
    let p = itemPenalty.get(id) ?? 0
    for (let i = 0; i < attrs.length; i++) {
      const v = valuePenalty.get(attrs[i] as string)
      if (v !== undefined) p += v
    }
    return p
  }

  function factor(id: string, attrs?: readonly string[]): number {
    if (attrs === undefined) {
      const f = fullFactor.get(id)
      return f === undefined ? 1 : f
    }
    let f = itemFactor.get(id) ?? 1
    for (let i = 0; i < attrs.length; i++) {
      const v = valueFactor.get(attrs[i] as string)
      if (v !== undefined) f *= v
    }
    return f
  }

  // One loop per lookup table, so each call site stays monomorphic and the hot case is a Map.get.
  function penalties(
    ids: readonly string[],
    out?: Float64Array,
    attrs?: readonly (readonly string[] | undefined)[],
  ) {
    const o = outFor(ids, out)
    if (attrs !== undefined) for (let i = 0; i < ids.length; i++) o[i] = penalty(ids[i] as string, attrs[i])
    else {
      for (let i = 0; i < ids.length; i++) {
        const p = fullPenalty.get(ids[i] as string)
        o[i] = p === undefined ? 0 : p
      }
    }
    return o
  }

  function factors(
    ids: readonly string[],
    out?: Float64Array,
    attrs?: readonly (readonly string[] | undefined)[],
  ) {
    const o = outFor(ids, out)
    if (attrs !== undefined) for (let i = 0; i < ids.length; i++) o[i] = factor(ids[i] as string, attrs[i])
    else {
      for (let i = 0; i < ids.length; i++) {
        const f = fullFactor.get(ids[i] as string)
        o[i] = f === undefined ? 1 : f
      }
    }
    return o
  }

  return {
    kind: policy.kind,
    scoring: policy.scoring,
    generation: folded.sessionGeneration,
    at,
    penalty,
    factor,
    penalties,
    factors,
    apply<T extends ScoreArray>(
      ids: readonly string[],
      scores: T,
      attrs?: readonly (readonly string[] | undefined)[],
    ): T {
      if (scores.length < ids.length) {
        throw invalidArgument(
          `scores holds ${scores.length} numbers but ids holds ${ids.length}; give one score per id`,
        )
      }
      const add = policy.scoring === 'additive'
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i] as string
        const a = attrs?.[i]
        if (t.excluded.has(id)) scores[i] = Number.NEGATIVE_INFINITY
        else if (add) scores[i] = (scores[i] as number) + penalty(id, a)
        else scores[i] = (scores[i] as number) * factor(id, a)
      }
      return scores
    },
    has: (id) => folded.items.has(id),
    items: () => [...folded.items.keys()],
    explain: (id: string, attrs?: readonly string[]): SeenExplanation =>
      explainItem(id, attrs, { folded, policy, at, penalty: penalty(id, attrs), factor: factor(id, attrs) }),
  }
}

function buildTables(folded: Folded, policy: ResolvedSeenPolicy): ViewTables {
  const t: ViewTables = {
    itemPenalty: new Map(),
    itemFactor: new Map(),
    fullPenalty: new Map(),
    fullFactor: new Map(),
    valuePenalty: new Map(),
    valueFactor: new Map(),
    excluded: new Set(),
  }
  for (const [value, stats] of folded.values) {
    const shape = policy.attributes.get(value.slice(0, value.indexOf(':')))
    if (shape === undefined) continue
    const p = combinedStrength(stats, shape, policy.user)
    t.valuePenalty.set(value, additive(shape.weight, p))
    t.valueFactor.set(value, multiplicative(shape.weight, p))
  }
  const cap = policy.cap
  for (const [id, stats] of folded.items) {
    let pen = 0
    let fac = 1
    if (cap !== undefined && capCount(stats) >= cap.max) {
      t.excluded.add(id)
      pen = Number.NEGATIVE_INFINITY
      fac = 0
    } else if (policy.item !== undefined) {
      const p = combinedStrength(stats, policy.item, policy.user)
      pen = additive(policy.item.weight, p)
      fac = multiplicative(policy.item.weight, p)
    }
    t.itemPenalty.set(id, pen)
    t.itemFactor.set(id, fac)
    for (const value of stats.attrs ?? []) {
      pen += t.valuePenalty.get(value) ?? 0
      fac *= t.valueFactor.get(value) ?? 1
    }
    t.fullPenalty.set(id, pen)
    t.fullFactor.set(id, fac)
  }
  return t
}

function outFor(ids: readonly string[], out: Float64Array | undefined): Float64Array {
  if (out === undefined) return new Float64Array(ids.length)
  if (out.length < ids.length) {
    throw invalidArgument(
      `out holds ${out.length} numbers but ids holds ${ids.length}; pass a Float64Array of at least ${ids.length}`,
    )
  }
  return out
}
