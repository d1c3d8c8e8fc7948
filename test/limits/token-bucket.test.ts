import { describe, expect, it } from 'vitest'
import { forEachStore } from '../helpers/stores.js'
import { makeLimiter, SECOND, T0 } from './setup.js'

// 60 per minute on average (one a second), at most 10 at once.
const burst = {
  name: 'calls',
  per: 'user',
  algorithm: 'token-bucket',
  limit: 60,
  windowMs: 60 * SECOND,
  burst: 10,
} as const

forEachStore((fixture) => {
  describe('token bucket', () => {
    it('admits a burst of `burst`, then one per refill interval', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [burst])
      const first = await limiter.consume({ user: 'u1' }, { calls: 10 })
      expect(first).toMatchObject({ allowed: true, remaining: 0, limit: 10, resetAt: T0 + 10 * SECOND })
      const empty = await limiter.consume({ user: 'u1' }, { calls: 1 })
      expect(empty).toMatchObject({ allowed: false, retryAfterMs: SECOND, limited: ['calls'] })
      clock.advance(SECOND)
      expect((await limiter.consume({ user: 'u1' }, { calls: 1 })).allowed).toBe(true)
      clock.advance(SECOND / 2)
      expect(await limiter.consume({ user: 'u1' }, { calls: 1 })).toMatchObject({
        allowed: false,
        retryAfterMs: SECOND / 2,
      })
      // Refills continuously, never past the burst.
      clock.advance(60 * SECOND)
      expect(await limiter.consume({ user: 'u1' }, { calls: 0 })).toMatchObject({
        remaining: 10,
        resetAt: clock.now(),
      })
    })

    it('settle gives back what was not used, up to the burst, and takes more when more was used', async () => {
      const { limiter } = await makeLimiter(fixture, [burst])
      const r = await limiter.consume({ user: 'u1' }, { calls: 6 })
      await limiter.settle(r.reservation!, { calls: 2 })
      expect((await limiter.consume({ user: 'u1' }, { calls: 0 })).remaining).toBe(8)
      const s = await limiter.consume({ user: 'u1' }, { calls: 8 })
      await limiter.settle(s.reservation!, { calls: 12 })
      // Four tokens of debt: four seconds before the next call.
      expect(await limiter.consume({ user: 'u1' }, { calls: 1 })).toMatchObject({
        allowed: false,
        remaining: 0,
        retryAfterMs: 5 * SECOND,
      })
    })
  })
})
