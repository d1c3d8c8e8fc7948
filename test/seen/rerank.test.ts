import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { foldGenerations } from '../../src/seen/fold.js'
import { parseSeenOptions, type RerankCandidate, rerank, type SeenPolicyInput } from '../../src/seen/index.js'
import { createSeenView } from '../../src/seen/view.js'

/** A view over generations shown at time 0, without a store (rerank is pure). */
function viewOf(marks: string[][], policy: SeenPolicyInput = { kind: 'flat' }) {
  const resolved = parseSeenOptions({ policy }).policy
  const entries = marks.map((ids, i) => ({ seq: i + 1, value: { at: 0, ids } }))
  const folded = foldGenerations(0, resolved, { entries, lastSeq: entries.length, maxItems: 100 }, undefined)
  return createSeenView(folded, resolved, 0)
}

const c = (id: string, score: number, ...attributes: string[]): RerankCandidate => ({ id, score, attributes })
const ids = (items: readonly RerankCandidate[]) => items.map((x) => x.id)

const tees = [
  c('black-acme', 1.0, 'color:black', 'brand:acme'),
  c('black-acme-2', 0.98, 'color:black', 'brand:acme'),
  c('white-zest', 0.9, 'color:white', 'brand:zest'),
  c('grey-acme', 0.5, 'color:grey', 'brand:acme'),
]

describe('rerank', () => {
  it('with lambda 1 and no view it is the score order; k past n returns all n', () => {
    expect(ids(rerank(tees, { k: 2, lambda: 1 }).items)).toEqual(['black-acme', 'black-acme-2'])
    expect(rerank(tees, { k: 10 }).items).toHaveLength(4)
    expect(rerank([], { k: 3 }).items).toEqual([])
    expect(rerank(tees, { k: 0 }).items).toEqual([])
  })

  it('trades relevance for diversity by attribute overlap (MMR), relevance normalised first', () => {
    // after black-acme: black-acme-2 scores 0.7 * 0.96 - 0.3 * 1 = 0.372; white-zest 0.7 * 0.8 - 0 = 0.56
    expect(ids(rerank(tees, { k: 3, lambda: 0.7 }).items)).toEqual([
      'black-acme',
      'white-zest',
      'black-acme-2',
    ])
    // the same on another scale of scores
    const scaled = tees.map((t) => ({ ...t, score: t.score * 100 + 7 }))
    expect(ids(rerank(scaled, { k: 3, lambda: 0.7 }).items)).toEqual([
      'black-acme',
      'white-zest',
      'black-acme-2',
    ])
  })

  it('adds seen penalties from a view before ranking', () => {
    const view = viewOf([['black-acme']])
    const result = rerank(tees, { k: 2, lambda: 1, view })
    expect(ids(result.items)).toEqual(['black-acme-2', 'white-zest'])
    expect(result.scores).toEqual([0.98, 0.9])
    expect(result.penaltyScale).toBe(1)
  })

  it('uses the factor of a multiplicative view', () => {
    const view = viewOf([['black-acme']], { kind: 'flat', scoring: 'multiplicative', weight: 0.5 })
    const result = rerank(tees, { k: 1, lambda: 1, view })
    expect(ids(result.items)).toEqual(['black-acme-2'])
    expect(rerank(tees, { k: 4, lambda: 1, view }).scores).toEqual([0.98, 0.9, 0.5, 0.5])
  })

  it('maxPerAttribute limits picks sharing a value, and gives way only to fill k', () => {
    const limited = rerank(tees, { k: 2, lambda: 1, maxPerAttribute: { brand: 1 } })
    expect(ids(limited.items)).toEqual(['black-acme', 'white-zest'])
    expect(limited.attributeLimitRelaxed).toBe(false)
    const filled = rerank(tees, { k: 3, lambda: 1, maxPerAttribute: 1 })
    expect(ids(filled.items)).toEqual(['black-acme', 'white-zest', 'black-acme-2'])
    expect(filled.attributeLimitRelaxed).toBe(true)
  })

  it('small wardrobe: penalties shrink step by step until k candidates clear the floor', () => {
    const wardrobe = [c('a', 1.0), c('b', 0.9), c('c', 0.8), c('d', 0.1)]
    const view = viewOf([['a'], ['b'], ['c']]) // flat: -1.5 each
    const result = rerank(wardrobe, { k: 3, lambda: 1, view, minScore: 0 })
    // at scale 1 only d clears 0; at 1/2: a 0.25, b 0.15, c 0.05, d 0.1
    expect(result.penaltyScale).toBe(0.5)
    expect(ids(result.items)).toEqual(['a', 'b', 'd'])
    expect(result.scores).toEqual([0.25, 0.15000000000000002, 0.1])
    // enough good candidates: no shrinking
    expect(rerank(wardrobe, { k: 1, lambda: 1, view, minScore: 0 }).penaltyScale).toBe(1)
    // nothing clears the floor even without penalties: scale 0, still min(k, n) picks
    const poor = rerank([c('x', -1), c('y', -2)], { k: 2, view, minScore: 0 })
    expect([poor.penaltyScale, poor.items.length]).toEqual([0, 2])
  })

  it('capped candidates stay out unless nothing else is left', () => {
    const view = viewOf([['a']], { kind: 'decay', cap: { max: 1 } })
    const candidates = [c('a', 5), c('b', 1)]
    expect(ids(rerank(candidates, { k: 1, view }).items)).toEqual(['b'])
    const all = rerank(candidates, { k: 2, view })
    expect(ids(all.items)).toEqual(['b', 'a'])
    expect(all.fromExcluded).toBe(1)
  })

  it('runs in O(k * n) similarity evaluations', () => {
    const many = Array.from({ length: 200 }, (_, i) => c(`i${i}`, Math.sin(i), `g:${i % 7}`))
    let calls = 0
    const result = rerank(many, {
      k: 10,
      similarity: (a, b) => {
        calls++
        return a.attributes?.[0] === b.attributes?.[0] ? 1 : 0
      },
    })
    expect(result.items).toHaveLength(10)
    expect(calls).toBeLessThanOrEqual(10 * 200)
    // with similarity 1 inside a group, the first 7 picks cover 7 different groups
    expect(new Set(result.items.slice(0, 7).map((x) => x.attributes?.[0])).size).toBe(7)
  })

  it('refuses bad input with INVALID_ARGUMENT', () => {
    const bad: [unknown, unknown][] = [
      ['nope', { k: 1 }],
      [[{ id: 'a', score: Number.NaN }], { k: 1 }],
      [[{ score: 1 }], { k: 1 }],
      [tees, { k: -1 }],
      [tees, { k: 1.5 }],
      [tees, { k: 1, lambda: 2 }],
      [tees, { k: 1, maxPerAttribute: 0 }],
      [tees, { k: 1, maxPerAttribute: { brand: 'x' } }],
      [tees, { k: 1, view: {} }],
      [tees, undefined],
    ]
    for (const [candidates, options] of bad) {
      let error: unknown
      try {
        // @ts-expect-error: bad input on purpose
        rerank(candidates, options)
      } catch (e) {
        error = e
      }
      expect(isSessionKitError(error, 'INVALID_ARGUMENT'), JSON.stringify([candidates, options])).toBe(true)
    }
  })
})
