import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { forEachStore } from '../helpers/stores.js'
import { makeWorld } from './setup.js'

async function rejects(promise: Promise<unknown>, code: 'INVALID_ARGUMENT' | 'LIMIT_EXCEEDED' | 'NOT_FOUND') {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isSessionKitError(error, code), String(error)).toBe(true)
  return error as Error
}

forEachStore((fixture) => {
  describe('seen bounds', () => {
    it('keeps at most maxGenerations generations; mark reports the generation number and what fell off', async () => {
      const { open, store } = await makeWorld(fixture, { maxGenerations: 3 })
      const { seen, scope } = await open()
      const results = []
      for (const id of ['a', 'b', 'c', 'd', 'e']) results.push(await seen.mark([id]))
      expect(results.map((r) => r.generation)).toEqual([1, 2, 3, 4, 5])
      expect(results.map((r) => r.dropped)).toEqual([0, 0, 0, 1, 1])
      const view = await seen.view()
      expect(view.items()).toEqual(['e', 'd', 'c'])
      expect(view.generation).toBe(5)
      expect((await store.range(scope.sessionId, 'seen', 0, -1)).length).toBe(3)
    })

    it('counts at most maxItems distinct items: the newest generations that fit, nothing older', async () => {
      const { open } = await makeWorld(fixture, { maxItems: 4 })
      const { seen } = await open()
      await seen.mark(['a', 'b'])
      await seen.mark(['c', 'a'])
      await seen.mark(['d'])
      await seen.mark(['e'])
      const view = await seen.view()
      // newest first: e, d, (c, a) = 4 distinct; (a, b) would add b, a fifth
      expect(view.items()).toEqual(['e', 'd', 'c', 'a'])
      expect(view.explain('a').parts[0]?.levels[0]?.count).toBe(1)
      expect(view.has('b')).toBe(false)
    })

    it('refuses a mark of more distinct ids than maxItems (LIMIT_EXCEEDED), storing nothing', async () => {
      const { open } = await makeWorld(fixture, { maxItems: 2 })
      const { seen } = await open()
      await seen.mark(['a', 'a', 'b']) // duplicates collapse
      const error = await rejects(seen.mark(['x', 'y', 'z']), 'LIMIT_EXCEEDED')
      expect(error.message).toContain('seen.maxItems')
      expect((await seen.view()).items()).toEqual(['a', 'b'])
    })

    it('concurrent marks all land (one atomic push each, no read-modify-write)', async () => {
      const { open } = await makeWorld(fixture, { maxGenerations: 100, maxItems: 100 })
      const { seen } = await open()
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => seen.mark([`item-${i}`])))
      expect(new Set(results.map((r) => r.generation)).size).toBe(25)
      const view = await seen.view()
      expect(view.items()).toHaveLength(25)
      expect(view.generation).toBe(25)
    })

    it('a retried mark with the same idempotencyKey records nothing new', async () => {
      const { open } = await makeWorld(fixture)
      const { seen } = await open('u1')
      const first = await seen.mark(['a'], { idempotencyKey: 'req-1' })
      const retry = await seen.mark(['a'], { idempotencyKey: 'req-1' })
      expect(retry).toEqual({ generation: first.generation, dropped: 0, duplicate: true })
      expect((await seen.view()).explain('a').parts[0]?.levels[0]?.count).toBe(1)
    })
  })

  describe('seen input', () => {
    const bad: [string, unknown, unknown][] = [
      ['ids not an array', 'a', undefined],
      ['an empty id', [''], undefined],
      ['a non-string id', [42], undefined],
      ['a reserved id', ['__proto__'], undefined],
      ['an id of 257 characters', ['x'.repeat(257)], undefined],
      ['options not an object', ['a'], 'soon'],
      ['an unknown option', ['a'], { attrs: {} }],
      ['at in the future', ['a'], { at: Date.parse('2027-01-01') }],
      ['at not a number', ['a'], { at: '2026-01-01' }],
      ['attributes of an id not marked', ['a'], { attributes: { b: ['color:red'] } }],
      ['attribute values not an array', ['a'], { attributes: { a: 'color:red' } }],
      ['an attribute value without a key', ['a'], { attributes: { a: ['red'] } }],
      ['an attribute value with an empty key', ['a'], { attributes: { a: [':red'] } }],
      [
        'too many attribute values',
        ['a'],
        { attributes: { a: Array.from({ length: 17 }, (_, i) => `k:${i}`) } },
      ],
      ['an empty idempotency key', ['a'], { idempotencyKey: '' }],
    ]
    for (const [what, ids, options] of bad) {
      it(`refuses ${what} with INVALID_ARGUMENT and stores nothing`, async () => {
        const { open, store } = await makeWorld(fixture)
        const { seen, scope } = await open('u1')
        await seen.mark(['kept'])
        // @ts-expect-error: bad input on purpose
        await rejects(seen.mark(ids, options), 'INVALID_ARGUMENT')
        expect((await store.range(scope.sessionId, 'seen', 0, -1)).length).toBe(1)
        expect((await store.range('user:u1', 'seen', 0, -1)).length).toBe(1)
      })
    }

    it('an empty mark records nothing; a mark in the past counts from its time', async () => {
      const { open, clock } = await makeWorld(fixture, { policy: { kind: 'decay', halfLifeMs: 1000 } })
      const { seen } = await open()
      expect(await seen.mark([])).toEqual({ generation: 0, dropped: 0, duplicate: false })
      await seen.mark(['a'], { at: clock.now() - 1000 })
      expect((await seen.view()).penalty('a')).toBeCloseTo(-3 * (1 - 2 ** -0.5), 12)
    })

    it('marking an expired session is NOT_FOUND and never resurrects it; its view is empty', async () => {
      const { open, clock } = await makeWorld(fixture)
      const { seen } = await open()
      await seen.mark(['a'])
      clock.advance(8 * 24 * 3_600_000)
      await rejects(seen.mark(['b']), 'NOT_FOUND')
      const view = await seen.view()
      expect(view.items()).toEqual([])
      expect(view.penalty('a')).toBe(0)
    })

    it('a bad per-call policy is INVALID_ARGUMENT naming the option', async () => {
      const { open } = await makeWorld(fixture)
      const { seen } = await open()
      const error = await rejects(
        seen.view({ policy: { kind: 'decay', halfLifeMs: -1 } }),
        'INVALID_ARGUMENT',
      )
      expect(error.message).toContain('policy.halfLifeMs')
    })
  })
})
