import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { forEachStore } from '../helpers/stores.js'
import { DAY, decayPenalty, MINUTE, makeWorld } from './setup.js'

const attributePolicy = {
  kind: 'decay',
  halfLifeMs: 10 * MINUTE,
  attributes: { color: { weight: 0.4 }, brand: { weight: 0.6, halfLifeMs: 5 * MINUTE } },
} as const

forEachStore((fixture) => {
  describe('attribute discounts', () => {
    it('discounts unseen candidates that share a seen value, per key weight and half-life', async () => {
      const { clock, open } = await makeWorld(fixture, { policy: attributePolicy })
      const { seen } = await open()
      await seen.mark(['tee-1', 'shorts-1'], {
        attributes: { 'tee-1': ['color:blue', 'brand:acme'], 'shorts-1': ['color:blue'] },
      })
      let view = await seen.view()
      // color:blue shown by two items of one generation counts once: E = 1
      expect(view.penalty('tee-2', ['color:blue'])).toBeCloseTo(decayPenalty(0.4, 1), 12)
      expect(view.penalty('tee-2', ['color:red', 'brand:acme'])).toBeCloseTo(decayPenalty(0.6, 1), 12)
      expect(view.penalty('tee-2', ['size:m'])).toBe(0)
      expect(view.penalty('tee-2')).toBe(0)
      clock.advance(10 * MINUTE)
      view = await seen.view()
      // color decays with the item half-life (10 min), brand with its own (5 min)
      expect(view.penalty('tee-2', ['color:blue', 'brand:acme'])).toBeCloseTo(
        decayPenalty(0.4, 0.5) + decayPenalty(0.6, 0.25),
        12,
      )
    })

    it('a seen item gets its own penalty plus its stored values; given attrs replace the stored ones', async () => {
      const { open } = await makeWorld(fixture, { policy: attributePolicy })
      const { seen } = await open()
      await seen.mark(['tee-1'], { attributes: { 'tee-1': ['color:blue', 'brand:acme'] } })
      const view = await seen.view()
      const item = decayPenalty(3, 1)
      expect(view.penalty('tee-1')).toBeCloseTo(item + decayPenalty(0.4, 1) + decayPenalty(0.6, 1), 12)
      expect(view.penalty('tee-1', [])).toBeCloseTo(item, 12)
      expect(view.penalty('tee-1', ['color:blue'])).toBeCloseTo(item + decayPenalty(0.4, 1), 12)
      expect(view.penalties(['tee-1', 'x'], undefined, [[], ['brand:acme']])).toEqual(
        new Float64Array([item, decayPenalty(0.6, 1)]),
      )
    })

    it('flat attributes: a constant discount inside the window', async () => {
      const { clock, open } = await makeWorld(fixture, {
        policy: { kind: 'flat', attributes: { color: { weight: 0.5, windowMs: 5 * MINUTE } } },
      })
      const { seen } = await open()
      await seen.mark(['a'], { attributes: { a: ['color:blue'] } })
      expect((await seen.view()).penalty('b', ['color:blue'])).toBe(-0.5)
      clock.advance(5 * MINUTE)
      const view = await seen.view()
      expect(view.penalty('b', ['color:blue'])).toBe(0)
      expect(view.penalty('a')).toBe(-1.5)
    })

    it('multiplicative attribute factors multiply with the item factor', async () => {
      const { open } = await makeWorld(fixture, {
        policy: { kind: 'decay', scoring: 'multiplicative', attributes: { color: { weight: 0.5 } } },
      })
      const { seen } = await open()
      await seen.mark(['a'], { attributes: { a: ['color:blue'] } })
      const view = await seen.view()
      expect(view.factor('a')).toBeCloseTo(0.5 * 0.75, 12)
      expect(view.factor('b', ['color:blue'])).toBeCloseTo(0.75, 12)
      expect(view.factors(['a', 'b'], new Float64Array(2), [undefined, ['color:blue']])[1]).toBeCloseTo(
        0.75,
        12,
      )
    })
  })

  describe('user level', () => {
    it("another session of the same user sees the user's exposures, weighted by noisy-or", async () => {
      const { clock, open } = await makeWorld(fixture)
      const first = await open('u1')
      await first.seen.mark(['a'])
      clock.advance(DAY)
      const second = await open('u1')
      await second.seen.mark(['b'])
      const view = await second.seen.view()
      // user level: E = 2^-1 after one day (its half-life), weight 0.5
      const userStrength = 0.5 * (1 - 2 ** -0.5)
      expect(view.penalty('a')).toBeCloseTo(-3 * userStrength, 12)
      expect(view.has('a')).toBe(true)
      expect(view.items()).toEqual(['b', 'a'])
      // b: this session's fresh exposure; the user level holds it too, but it is not counted twice
      expect(view.penalty('b')).toBeCloseTo(-1.5, 12)
      const explained = view.explain('b')
      expect(explained.parts[0]?.levels.map((l) => l.level)).toEqual(['session'])
    })

    it('combines both levels: p = 1 - (1 - p_session) * (1 - w_user * p_user)', async () => {
      const { open } = await makeWorld(fixture, {
        policy: { kind: 'decay', user: { weight: 0.8, halfLifeMs: DAY } },
      })
      const first = await open('u1')
      await first.seen.mark(['a'])
      const second = await open('u1')
      await second.seen.mark(['a'])
      const p = 1 - (1 - 0.5) * (1 - 0.8 * 0.5)
      expect((await second.seen.view()).penalty('a')).toBeCloseTo(-3 * p, 12)
      // the first session sees its own exposure at the session level and the second's at the user level
      expect((await first.seen.view()).penalty('a')).toBeCloseTo(-3 * p, 12)
    })

    it('user level: false keeps exposures per session; sessions without a user never touch a user record', async () => {
      const off = await makeWorld(fixture, { user: false })
      const a = await off.open('u1')
      await a.seen.mark(['x'])
      expect(await off.store.range('user:u1', 'seen', 0, -1)).toMatchObject({ length: 0 })
      const b = await off.open('u1')
      expect((await b.seen.view()).penalty('x')).toBe(0)

      const on = await makeWorld(fixture)
      const anonymous = await on.open()
      await anonymous.seen.mark(['x'])
      expect((await anonymous.seen.view()).penalty('x')).toBeCloseTo(-1.5, 12)
    })

    it("the user level forgets exposures older than its ttlMs, and flat uses the user's window", async () => {
      const { clock, open } = await makeWorld(fixture, { user: { ttlMs: 2 * DAY } })
      const first = await open('u1')
      await first.seen.mark(['a'])
      clock.advance(DAY)
      const second = await open('u1')
      expect((await second.seen.view()).has('a')).toBe(true)
      expect(
        (await second.seen.view({ policy: { kind: 'flat', user: { windowMs: 2 * DAY } } })).penalty('a'),
      ).toBe(-1.5 * 0.5)
      clock.advance(DAY + 1)
      expect((await second.seen.view()).has('a')).toBe(false)
    })

    it('caps count exposures across the user level without counting this session twice', async () => {
      const { open } = await makeWorld(fixture, { policy: { kind: 'decay', cap: { max: 2 } } })
      const first = await open('u1')
      await first.seen.mark(['a'])
      expect((await first.seen.view()).penalty('a')).toBeCloseTo(-1.5, 12)
      const second = await open('u1')
      await second.seen.mark(['a'])
      expect((await second.seen.view()).penalty('a')).toBe(Number.NEGATIVE_INFINITY)
      expect((await second.seen.view()).explain('a').cap).toEqual({ count: 2, max: 2, windowMs: 30 * MINUTE })
    })

    it('a mark remakes a user record that was evicted or expired, and the user level goes on', async () => {
      const { open, store } = await makeWorld(fixture)
      const first = await open('u1')
      await store.delete('user:u1')
      await first.seen.mark(['a'])
      expect((await store.range('user:u1', 'seen', 0, -1)).length).toBe(1)
      const second = await open('u1')
      expect((await second.seen.view()).has('a')).toBe(true)
    })

    it('a mark of an expired session fails with NOT_FOUND even when the user level takes it', async () => {
      const { open, store, clock } = await makeWorld(fixture)
      const { seen, scope } = await open('u1')
      await store.delete(scope.sessionId)
      clock.advance(1)
      const error = await seen.mark(['a']).catch((e: unknown) => e)
      expect(isSessionKitError(error, 'NOT_FOUND')).toBe(true)
    })

    it('clear forgets the session level; clear({ user: true }) the user level too', async () => {
      const { open } = await makeWorld(fixture)
      const first = await open('u1')
      await first.seen.mark(['a'])
      const second = await open('u1')
      await second.seen.mark(['b'])
      await second.seen.clear()
      let view = await second.seen.view()
      expect([view.has('a'), view.has('b')]).toEqual([true, false])
      await second.seen.clear({ user: true })
      view = await second.seen.view()
      expect(view.items()).toEqual([])
    })
  })
})
