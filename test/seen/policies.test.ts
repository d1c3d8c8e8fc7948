import { describe, expect, it } from 'vitest'
import { forEachStore } from '../helpers/stores.js'
import { decayPenalty, MINUTE, makeWorld } from './setup.js'

forEachStore((fixture) => {
  describe('seen policies: hand-computed values', () => {
    it('flat: the classic -1.5 for any item seen in the last 30 minutes, then 0', async () => {
      const { clock, open } = await makeWorld(fixture, { policy: { kind: 'flat' } })
      const { seen } = await open()
      await seen.mark(['tee'])
      await seen.mark(['tee'])
      expect((await seen.view()).penalty('tee')).toBe(-1.5)
      expect((await seen.view()).penalty('unseen')).toBe(0)
      clock.advance(30 * MINUTE - 1)
      expect((await seen.view()).penalty('tee')).toBe(-1.5)
      clock.advance(1)
      const later = await seen.view()
      expect(later.penalty('tee')).toBe(0)
      expect(later.has('tee')).toBe(true)
    })

    it('decay by default: half-lives of 10 minutes and 2 generations, weight 3', async () => {
      const { clock, open } = await makeWorld(fixture)
      const { seen } = await open()
      await seen.mark(['a'])
      await seen.mark(['b'])
      clock.advance(10 * MINUTE)
      const view = await seen.view()
      expect(view.kind).toBe('decay')
      expect(view.penalty('a')).toBeCloseTo(decayPenalty(3, 0.5 * 2 ** -0.5), 12)
      expect(view.penalty('b')).toBeCloseTo(decayPenalty(3, 0.5), 12)
    })

    it('decay by time: E = sum of 2^(-age/h), penalty = weight * (1 - 2^-E), fresh exposure = -1.5', async () => {
      const { clock, open } = await makeWorld(fixture, { policy: { kind: 'decay', halfLifeMs: 10 * MINUTE } })
      const { seen } = await open()
      await seen.mark(['tee'])
      expect((await seen.view()).penalty('tee')).toBeCloseTo(-1.5, 12)
      clock.advance(10 * MINUTE)
      expect((await seen.view()).penalty('tee')).toBeCloseTo(decayPenalty(3, 0.5), 12) // -0.8787
      await seen.mark(['tee'])
      expect((await seen.view()).penalty('tee')).toBeCloseTo(decayPenalty(3, 1.5), 12) // -1.9393
      clock.advance(20 * MINUTE)
      // E = 1.5 * 2^-2 = 0.375
      expect((await seen.view()).penalty('tee')).toBeCloseTo(-3 * (1 - 2 ** -0.375), 12)
    })

    it('decay equals the recurrence E <- E * 2^(-dt/h) + 1 applied at each exposure', async () => {
      const h = 7 * MINUTE
      const { clock, open } = await makeWorld(fixture, {
        policy: { kind: 'decay', halfLifeMs: h, weight: 2 },
      })
      const { seen } = await open()
      const gaps = [0, 3 * MINUTE, 11 * MINUTE, 1 * MINUTE, 25 * MINUTE]
      let e = 0
      for (const gap of gaps) {
        clock.advance(gap)
        e = e * 2 ** (-gap / h) + 1
        await seen.mark(['a'])
      }
      clock.advance(4 * MINUTE)
      e *= 2 ** (-4 / 7)
      expect((await seen.view()).penalty('a')).toBeCloseTo(decayPenalty(2, e), 12)
    })

    it('decay by generations: each later mark halves an exposure after generationHalfLife marks', async () => {
      const { clock, open } = await makeWorld(fixture, { policy: { kind: 'decay', generationHalfLife: 2 } })
      const { seen } = await open()
      await seen.mark(['a'])
      await seen.mark(['b'])
      await seen.mark(['c'])
      clock.advance(60 * MINUTE) // time does not decay in this policy
      const view = await seen.view()
      expect(view.generation).toBe(3)
      expect(view.penalty('c')).toBeCloseTo(decayPenalty(3, 1), 12)
      expect(view.penalty('b')).toBeCloseTo(decayPenalty(3, 2 ** -0.5), 12)
      expect(view.penalty('a')).toBeCloseTo(decayPenalty(3, 0.5), 12)
    })

    it('decay by time and generations multiplies both factors', async () => {
      const policy = { kind: 'decay', halfLifeMs: 10 * MINUTE, generationHalfLife: 1, weight: 1 } as const
      const { clock, open } = await makeWorld(fixture, { policy })
      const { seen } = await open()
      await seen.mark(['a'])
      clock.advance(5 * MINUTE)
      await seen.mark(['b'])
      clock.advance(5 * MINUTE)
      // a: 10 minutes (one half-life) and one generation ago: E = 1/2 * 1/2
      expect((await seen.view()).penalty('a')).toBeCloseTo(decayPenalty(1, 0.25), 12)
      expect((await seen.view()).penalty('b')).toBeCloseTo(decayPenalty(1, 2 ** -0.5), 12)
    })

    it('multiplicative: factor = 1 - weight * strength; decay with weight 1 gives 2^-E, and apply multiplies', async () => {
      const { clock, open } = await makeWorld(fixture, {
        policy: { kind: 'decay', scoring: 'multiplicative' },
      })
      const { seen } = await open()
      await seen.mark(['a'])
      await seen.mark(['a'])
      clock.advance(10 * MINUTE)
      const view = await seen.view()
      expect(view.scoring).toBe('multiplicative')
      // default half-lives, 10 minutes and 2 generations: E = 1/2 * 2^(-1/2) + 1/2
      expect(view.factor('a')).toBeCloseTo(2 ** -(0.5 * 2 ** -0.5 + 0.5), 12)
      expect(view.factor('b')).toBe(1)
      const scores = view.apply(['a', 'b'], [2, 2])
      expect(scores[0]).toBeCloseTo(2 * 2 ** -(0.5 * 2 ** -0.5 + 0.5), 12)
      expect(scores[1]).toBe(2)

      const flat = await seen.view({ policy: { kind: 'flat', scoring: 'multiplicative' } })
      expect(flat.factor('a')).toBe(0.5)
      // A full discount is a factor of 0, not an exclusion: apply gives 0, not -Infinity.
      const full = await seen.view({ policy: { kind: 'flat', scoring: 'multiplicative', weight: 1 } })
      expect(full.apply(['a', 'b'], [2, 2])).toEqual([0, 2])
    })

    it('none: no penalty at all, but the view still knows what was seen', async () => {
      const { open } = await makeWorld(fixture, { policy: { kind: 'none' } })
      const { seen } = await open()
      await seen.mark(['a'])
      const view = await seen.view()
      expect(view.penalty('a')).toBe(0)
      expect(view.factor('a')).toBe(1)
      expect(view.has('a')).toBe(true)
      expect(view.items()).toEqual(['a'])
      expect(view.explain('a').text).toBe('a 0: seen, no penalty under this policy')
    })

    it('a per-call policy replaces the kit policy for that view only', async () => {
      const { open } = await makeWorld(fixture, { policy: { kind: 'flat', weight: 2 } })
      const { seen } = await open()
      await seen.mark(['a'])
      expect((await seen.view()).penalty('a')).toBe(-2)
      expect((await seen.view({ policy: { kind: 'decay', weight: 4 } })).penalty('a')).toBe(-2)
      expect((await seen.view({ policy: { kind: 'flat' } })).penalty('a')).toBe(-1.5)
    })
  })

  describe('frequency caps', () => {
    it('K exposures inside the window exclude the item (-Infinity, factor 0) until they age out', async () => {
      const policy = {
        kind: 'decay',
        halfLifeMs: 10 * MINUTE,
        cap: { max: 2, windowMs: 15 * MINUTE },
      } as const
      const { clock, open } = await makeWorld(fixture, { policy })
      const { seen } = await open()
      await seen.mark(['a'])
      expect((await seen.view()).penalty('a')).toBeCloseTo(-1.5, 12)
      clock.advance(5 * MINUTE)
      await seen.mark(['a'])
      let view = await seen.view()
      expect(view.penalty('a')).toBe(Number.NEGATIVE_INFINITY)
      expect(view.penalty('a', ['color:red'])).toBe(Number.NEGATIVE_INFINITY)
      expect(view.factor('a')).toBe(0)
      expect(view.apply(['a', 'b'], new Float64Array([5, 1]))).toEqual(
        new Float64Array([Number.NEGATIVE_INFINITY, 1]),
      )
      clock.advance(10 * MINUTE) // the first exposure is now 15 minutes old: outside the window
      view = await seen.view()
      expect(view.penalty('a')).toBeCloseTo(decayPenalty(3, 2 ** -1.5 + 2 ** -1), 12)
    })

    it('caps apply under every kind, also multiplicative scoring with negative scores', async () => {
      const { open } = await makeWorld(fixture, {
        policy: { kind: 'none', scoring: 'multiplicative', cap: { max: 1 } },
      })
      const { seen } = await open()
      await seen.mark(['a'])
      const view = await seen.view()
      expect(view.apply(['a', 'b'], [-1, -1])).toEqual([Number.NEGATIVE_INFINITY, -1])
    })
  })
})
