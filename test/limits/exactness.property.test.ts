import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Reservation } from '../../src/limits/result.js'
import { forEachStore } from '../helpers/stores.js'
import { WindowModel } from './model.js'
import { makeLimiter } from './setup.js'

const LIMIT = 10
const WINDOW = 1000

type Op =
  | { kind: 'advance'; ms: number }
  | { kind: 'consume'; cost: number }
  | { kind: 'settle'; pick: number; to: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: -200, max: 700 }) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('consume' as const), cost: fc.integer({ min: 0, max: LIMIT }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      pick: fc.nat(),
      to: fc.integer({ min: 0, max: 2 * LIMIT }),
    }),
  },
)

forEachStore((fixture) => {
  describe('sliding window, against a brute-force model', () => {
    it('agrees on every decision, wait, remaining and reset, with clocks going back and settles', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
          const { limiter, clock } = await makeLimiter(fixture, [
            { name: 'tokens', per: 'user', limit: LIMIT, windowMs: WINDOW },
          ])
          const model = new WindowModel(LIMIT, WINDOW)
          const open: Reservation[] = []
          for (const o of ops) {
            if (o.kind === 'advance') {
              clock.set(Math.max(0, clock.now() + o.ms))
            } else if (o.kind === 'consume') {
              const r = await limiter.consume({ user: 'u' }, { tokens: o.cost })
              const m = model.consume(o.cost, clock.now())
              expect([r.allowed, r.remaining, r.resetAt, r.retryAfterMs]).toEqual([
                m.fits,
                m.remaining,
                m.resetAt,
                m.retryAfterMs,
              ])
              const charge = r.reservation?.charges[0]
              if (charge !== undefined) {
                expect([charge.at, charge.seq]).toEqual([m.at, m.seq])
                open.push(r.reservation!)
              }
            } else if (open.length > 0) {
              const [reservation] = open.splice(o.pick % open.length, 1)
              const charge = reservation!.charges[0]!
              await limiter.settle(reservation!, { tokens: o.to })
              model.settle(charge.seq, charge.at, charge.cost, o.to, clock.now())
            }
          }
        }),
        { numRuns: fixture.name === 'memory' ? 300 : 40 },
      )
    })

    it('a settle that changes nothing leaves the log as it was, even when the clock then steps back', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [
        { name: 'tokens', per: 'user', limit: LIMIT, windowMs: WINDOW },
      ])
      const taken = await limiter.consume({ user: 'u' }, { tokens: 6 })
      clock.set(clock.now() + WINDOW)
      await limiter.settle(taken.reservation!, { tokens: 6 })
      clock.set(clock.now() - 1)
      // The charge of 6 is inside the window again at this instant: nothing told the log it had left.
      expect((await limiter.consume({ user: 'u' }, { tokens: 0 })).remaining).toBe(LIMIT - 6)
    })

    it('never admits more than the limit in any window, and admits whenever the cost fits (no settles)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: LIMIT })), {
            maxLength: 80,
          }),
          async (steps) => {
            const { limiter, clock } = await makeLimiter(fixture, [
              { name: 'tokens', per: 'user', limit: LIMIT, windowMs: WINDOW },
            ])
            const admitted: { at: number; cost: number }[] = []
            for (const [ms, cost] of steps) {
              clock.advance(ms)
              const r = await limiter.consume({ user: 'u' }, { tokens: cost })
              const inWindow = admitted
                .filter((a) => a.at > r.at - WINDOW)
                .reduce((sum, a) => sum + a.cost, 0)
              expect(r.allowed).toBe(inWindow + cost <= LIMIT)
              if (r.allowed) admitted.push({ at: r.at, cost })
            }
            for (const { at } of admitted) {
              const sum = admitted
                .filter((a) => a.at > at - WINDOW && a.at <= at)
                .reduce((s, a) => s + a.cost, 0)
              expect(sum).toBeLessThanOrEqual(LIMIT)
            }
          },
        ),
        { numRuns: fixture.name === 'memory' ? 200 : 30 },
      )
    })
  })
})
