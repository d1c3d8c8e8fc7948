import { invalidArgument } from '../errors.js'
import type { SeenView } from './view-types.js'

/**
 * What `rerank` needs of a candidate; extra fields ride along and come back in `items`.
 *
 * @example
 * { id: 'tee-1', score: 2.5, attributes: ['color:blue', 'brand:acme'] }
 */
export interface RerankCandidate {
  readonly id: string
  /** Relevance before seen penalties (any scale; it is normalised). */
  readonly score: number
  /** `key:value` strings (`color:blue`): the default similarity and `maxPerAttribute` use them. */
  readonly attributes?: readonly string[]
}

/**
 * Options of `rerank`.
 *
 * @example
 * rerank(candidates, { k: 5, lambda: 0.7, view, maxPerAttribute: { brand: 2 } })
 */
export interface RerankOptions<C extends RerankCandidate = RerankCandidate> {
  /** How many to pick: `min(k, candidates.length)` always come back. */
  readonly k: number
  /** Relevance vs. diversity, in [0, 1]: 1 = by relevance only. Default 0.7. */
  readonly lambda?: number
  /** Seen penalties to add to each score (`view.penalty(id, attributes)`, or its factor when multiplicative). */
  readonly view?: SeenView
  /** Similarity of two candidates in [0, 1]. Default: Jaccard overlap of their attributes. */
  readonly similarity?: (a: C, b: C) => number
  /** Most picks sharing one attribute value: one number for every key, or per key (`{ brand: 2 }`). Default: none. */
  readonly maxPerAttribute?: number | Readonly<Record<string, number>>
  /**
   * The penalty floor: a candidate whose penalised score is below it counts as not good. When
   * fewer than `k` are good, penalties shrink (x1/2 per step down to 0) until enough are.
   * Default: none (penalties only reorder).
   */
  readonly minScore?: number
}

/**
 * Checks `rerank`'s input once per call (not per candidate pair).
 *
 * @example
 * checkRerankInput(candidates, { k: 5 })
 */
export function checkRerankInput(candidates: unknown, options: unknown): void {
  if (!Array.isArray(candidates)) throw invalidArgument('rerank(candidates) takes an array of { id, score }')
  candidates.forEach((c: unknown, i) => {
    const x = c as Partial<RerankCandidate> | null
    if (typeof x !== 'object' || x === null || typeof x.id !== 'string') {
      throw invalidArgument(`rerank candidates[${i}] must be an object with a string id`)
    }
    if (typeof x.score !== 'number' || !Number.isFinite(x.score)) {
      throw invalidArgument(`rerank candidates[${i}].score must be a finite number; got ${String(x.score)}`)
    }
    if (x.attributes !== undefined && !Array.isArray(x.attributes)) {
      throw invalidArgument(`rerank candidates[${i}].attributes must be an array of "key:value" strings`)
    }
  })
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('rerank needs options such as { k: 5 }')
  const o = options as Partial<RerankOptions>
  if (typeof o.k !== 'number' || !Number.isInteger(o.k) || o.k < 0) {
    throw invalidArgument(`rerank option k must be a whole number >= 0; got ${String(o.k)}`)
  }
  if (o.lambda !== undefined && !(typeof o.lambda === 'number' && o.lambda >= 0 && o.lambda <= 1)) {
    throw invalidArgument(`rerank option lambda must be a number in [0, 1]; got ${String(o.lambda)}`)
  }
  if (o.minScore !== undefined && !(typeof o.minScore === 'number' && Number.isFinite(o.minScore))) {
    throw invalidArgument('rerank option minScore must be a finite number')
  }
  if (o.similarity !== undefined && typeof o.similarity !== 'function') {
    throw invalidArgument('rerank option similarity must be a function (a, b) => number in [0, 1]')
  }
  if (o.view !== undefined && (typeof o.view !== 'object' || typeof o.view?.penalty !== 'function')) {
    throw invalidArgument('rerank option view must come from await session.seen.view()')
  }
  checkLimit(o.maxPerAttribute)
}

function checkLimit(limit: unknown): void {
  if (limit === undefined) return
  const ok = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1
  if (typeof limit === 'number') {
    if (!ok(limit)) throw invalidArgument('rerank option maxPerAttribute must be a whole number >= 1')
    return
  }
  if (typeof limit !== 'object' || limit === null) {
    throw invalidArgument('rerank option maxPerAttribute must be a number or an object such as { brand: 2 }')
  }
  for (const [key, n] of Object.entries(limit)) {
    if (!ok(n))
      throw invalidArgument(`rerank option maxPerAttribute.${key.slice(0, 40)} must be a whole number >= 1`)
  }
}
