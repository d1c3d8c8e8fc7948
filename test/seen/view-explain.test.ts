import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { forEachStore } from '../helpers/stores.js'
import { DAY, decayPenalty, MINUTE, makeWorld } from './setup.js'

forEachStore((fixture) => {
  describe('seen view lookups', () => {
    it('penalties fills the given Float64Array and returns it; a short one is INVALID_ARGUMENT', async () => {
      const { open } = await makeWorld(fixture, { policy: { kind: 'flat' } })
      const { seen } = await open()
      await seen.mark(['a', 'c'])
      const view = await seen.view()
      const out = new Float64Array(4).fill(9)
      expect(view.penalties(['a', 'b', 'c'], out)).toBe(out)
      expect([...out]).toEqual([-1.5, 0, -1.5, 9])
      expect([...view.penalties(['b', 'a'])]).toEqual([0, -1.5])
      let error: unknown
      try {
        view.penalties(['a', 'b'], new Float64Array(1))
      } catch (e) {
        error = e
      }
      expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
    })

    it('apply adds penalties to scores in place (typed arrays and plain arrays)', async () => {
      const { open } = await makeWorld(fixture, { policy: { kind: 'flat' } })
      const { seen } = await open()
      await seen.mark(['a'])
      const view = await seen.view()
      const scores = [2.5, 2.3]
      expect(view.apply(['a', 'b'], scores)).toBe(scores)
      expect(scores).toEqual([1, 2.3])
      const typed = new Float32Array([1, 1])
      view.apply(['b', 'a'], typed)
      expect([...typed]).toEqual([1, -0.5])
    })

    it('a view is a snapshot: later marks do not change it', async () => {
      const { open } = await makeWorld(fixture)
      const { seen } = await open()
      const before = await seen.view()
      await seen.mark(['a'])
      expect(before.penalty('a')).toBe(0)
      expect(before.generation).toBe(0)
      expect((await seen.view()).generation).toBe(1)
    })
  })

  describe('seen explain', () => {
    it('reports each part that applied, with counts, ages, generations ago and contributions', async () => {
      const policy = {
        kind: 'decay',
        halfLifeMs: 10 * MINUTE,
        attributes: { color: { weight: 0.4 } },
        cap: { max: 5, windowMs: 60 * MINUTE },
      } as const
      const { clock, open } = await makeWorld(fixture, { policy })
      const old = await open('u1')
      await old.seen.mark(['tee'], { attributes: { tee: ['color:blue'] } })
      clock.advance(DAY)
      const { seen } = await open('u1')
      await seen.mark(['tee'], { attributes: { tee: ['color:blue'] } })
      clock.advance(10 * MINUTE)
      await seen.mark(['shorts'])
      clock.advance(2 * MINUTE)
      const view = await seen.view()
      const e = view.explain('tee')
      expect(e).toMatchObject({ id: 'tee', kind: 'decay', excluded: false, cap: { count: 1, max: 5 } })
      expect(e.penalty).toBeCloseTo(view.penalty('tee'), 12)
      expect(e.parts.map((p) => p.part)).toEqual(['item', 'color:blue'])
      const [item, color] = e.parts
      expect(item?.levels).toEqual([
        {
          level: 'session',
          count: 1,
          mass: expect.closeTo(2 ** -1.2, 12),
          strength: expect.closeTo(1 - 2 ** -(2 ** -1.2), 12),
          lastSeenAgoMs: 12 * MINUTE,
          generationsAgo: 1,
        },
        {
          level: 'user',
          count: 1,
          mass: expect.closeTo(2 ** -(1 + 12 / 1440), 12),
          strength: expect.closeTo(1 - 2 ** -(2 ** -(1 + 12 / 1440)), 12),
          lastSeenAgoMs: DAY + 12 * MINUTE,
          generationsAgo: 2,
        },
      ])
      expect((item?.contribution ?? 0) + (color?.contribution ?? 0)).toBeCloseTo(e.penalty, 12)
      expect(color?.contribution).toBeLessThan(0)
      expect(e.text).toMatch(
        /^tee -\d\.\d\d: item -\d\.\d\d \(session 1x, 12m ago, 1 gen ago; user 1x, 1d ago, 2 gen ago\) \+ color:blue/,
      )
    })

    it('says when an item is excluded by a cap, and when it was never seen', async () => {
      const { open } = await makeWorld(fixture, { policy: { kind: 'flat', cap: { max: 1 } } })
      const { seen } = await open()
      await seen.mark(['a'])
      const view = await seen.view()
      expect(view.explain('a')).toMatchObject({
        excluded: true,
        penalty: Number.NEGATIVE_INFINITY,
        factor: 0,
      })
      expect(view.explain('a').text).toBe('a excluded: shown 1x in 30m (cap 1)')
      expect(view.explain('b')).toMatchObject({ excluded: false, penalty: 0, parts: [], cap: undefined })
      expect(view.explain('b').text).toBe('b 0: not seen')
    })

    it('explains attribute discounts of an unseen candidate from the attributes given', async () => {
      const { open } = await makeWorld(fixture, {
        policy: { kind: 'decay', attributes: { brand: { weight: 1 } } },
      })
      const { seen } = await open()
      await seen.mark(['a'], { attributes: { a: ['brand:acme'] } })
      const e = (await seen.view()).explain('b', ['brand:acme', 'color:red'])
      expect(e.parts).toEqual([
        {
          part: 'brand:acme',
          weight: 1,
          strength: 0.5,
          contribution: decayPenalty(1, 1),
          levels: [
            { level: 'session', count: 1, mass: 1, strength: 0.5, lastSeenAgoMs: 0, generationsAgo: 0 },
          ],
        },
      ])
      expect(e.text).toBe('b -0.50: brand:acme -0.50 (session 1x, 0ms ago, 0 gen ago)')
    })
  })
})
