import { invalidArgument } from '../errors.js'
import { explainItem } from './explain.js'
import { capCount, type Folded, valueShape } from './fold.js'
import type { ResolvedSeenPolicy } from './policy-types.js'
import { additive, combinedStrength, multiplicative } from './strength.js'
import type { ScoreArray, SeenExplanation, SeenView } from './view-types.js'

/** The lookups a view answers from: all computed once, when the view is made. */
interface ViewTables {
  /** Item part only (both levels, cap): `-Infinity` exactly when a cap excludes the item. */
  readonly itemPenalty: Map<string, number>
  readonly itemFactor: Map<string, number>
  /** Item part plus the discounts of the attribute values stored with the item. */
  readonly fullPenalty: Map<string, number>
  readonly fullFactor: Map<string, number>
  /** Attribute value -> discount. */
  readonly valuePenalty: Map<string, number>
  readonly valueFactor: Map<string, number>
}

/**
 * Builds a view over folded exposures: every penalty is computed here, so `penalty(id)` is a
 * single `Map.get` and allocates nothing.
 *
 * @example
 * const view = createSeenView(foldGenerations(now, policy, session, user), policy, now)
 */
export function createSeenView(folded: Folded, policy: ResolvedSeenPolicy, at: number): SeenView {
  const { itemPenalty, itemFactor, fullPenalty, fullFactor, valuePenalty, valueFactor } = buildTables(
    folded,
    policy,
  )
  const isExcluded = (id: string) => itemPenalty.get(id) === Number.NEGATIVE_INFINITY

  // `attrs == null`: a null is taken as "no attributes" (one comparison, no validation in the loop).
  function penalty(id: string, attrs?: readonly string[]): number {
    if (attrs == null) {
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
    if (attrs == null) {
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

  // `penalty` and `factor` inline here: without attributes, one Map.get per id.
  function penalties(
    ids: readonly string[],
    out?: Float64Array,
    attrs?: readonly (readonly string[] | undefined)[],
  ) {
    checkBatch(ids, attrs, 'penalties')
    const o = outFor(ids, out)
    for (let i = 0; i < ids.length; i++) o[i] = penalty(ids[i] as string, attrs?.[i])
    return o
  }

  function factors(
    ids: readonly string[],
    out?: Float64Array,
    attrs?: readonly (readonly string[] | undefined)[],
  ) {
    checkBatch(ids, attrs, 'factors')
    const o = outFor(ids, out)
    for (let i = 0; i < ids.length; i++) o[i] = factor(ids[i] as string, attrs?.[i])
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
      checkBatch(ids, attrs, 'apply')
      if (!ArrayBuffer.isView(scores) && !Array.isArray(scores)) {
        throw invalidArgument('view.apply needs scores: an array or typed array of numbers, one per id')
      }
      if (scores.length < ids.length) {
        throw invalidArgument(
          `scores holds ${scores.length} numbers but ids holds ${ids.length}; give one score per id`,
        )
      }
      // Only a capped item has the penalty -Infinity, and its factor is 0: the lookup that scores an
      // item also tells whether it is excluded (a factor of 0 can also be a full discount, so check).
      if (policy.scoring === 'additive') {
        for (let i = 0; i < ids.length; i++) {
          const p = penalty(ids[i] as string, attrs?.[i])
          scores[i] = p === Number.NEGATIVE_INFINITY ? p : (scores[i] as number) + p
        }
      } else {
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i] as string
          const f = factor(id, attrs?.[i])
          scores[i] = f === 0 && isExcluded(id) ? Number.NEGATIVE_INFINITY : (scores[i] as number) * f
        }
      }
      return scores
    },
    has: (id) => folded.items.has(id),
    items: () => [...folded.items.keys()],
    explain(id: string, attrs?: readonly string[]): SeenExplanation {
      if (typeof id !== 'string') throw invalidArgument('view.explain needs an item id (a string)')
      if (attrs != null && !(Array.isArray(attrs) && attrs.every((v) => typeof v === 'string'))) {
        throw invalidArgument('view.explain attributes must be an array of "key:value" strings')
      }
      return explainItem(id, attrs ?? undefined, {
        folded,
        policy,
        at,
        penalty: penalty(id, attrs),
        factor: factor(id, attrs),
      })
    },
  }
}

/** Checks the arguments of a batch call once (not per item): ids an array, attributes one per id. */
function checkBatch(ids: unknown, attrs: unknown, what: string): void {
  if (!Array.isArray(ids)) throw invalidArgument(`view.${what} needs ids: an array of item ids`)
  if (attrs != null && !Array.isArray(attrs)) {
    throw invalidArgument(`view.${what} attributes must be an array (one array of values per id)`)
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
  }
  for (const [value, stats] of folded.values) {
    const shape = valueShape(policy, value)
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
  if (out == null) return new Float64Array(ids.length)
  if (!(out instanceof Float64Array)) throw invalidArgument('out must be a Float64Array (one number per id)')
  if (out.length < ids.length) {
    throw invalidArgument(
      `out holds ${out.length} numbers but ids holds ${ids.length}; pass a Float64Array of at least ${ids.length}`,
    )
  }
  return out
}
