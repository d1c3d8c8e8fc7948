import { describe, expect, it } from 'vitest'
import { forEachStore } from '../helpers/stores.js'
import { MINUTE, makeLimiter, SECOND, T0 } from './setup.js'

const requests = { name: 'requests', per: 'session', limit: 3, windowMs: MINUTE } as const

forEachStore((fixture) => {
  describe('sliding window', () => {
    it('admits up to the limit in a window, then refuses with the exact wait', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [requests])
      const seen = []
      for (let i = 0; i < 3; i++) {
        seen.push(await limiter.consume({ session: 's1' }, { requests: 1 }))
        clock.advance(10 * SECOND)
      }
      expect(seen.map((r) => [r.allowed, r.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
      ])
      expect(seen[2]).toMatchObject({ rule: 'requests', limit: 3, resetAt: T0 + 20 * SECOND + MINUTE })
      // At T0+30s the window (T0-30s, T0+30s] holds 3: the first leaves at T0+60s.
      const refused = await limiter.consume({ session: 's1' }, { requests: 1 })
      expect(refused).toMatchObject({
        allowed: false,
        limited: ['requests'],
        remaining: 0,
        retryAfterMs: 30 * SECOND,
        reservation: undefined,
      })
      clock.advance(30 * SECOND - 1)
      expect((await limiter.consume({ session: 's1' }, { requests: 1 })).retryAfterMs).toBe(1)
      clock.advance(1)
      expect(await limiter.consume({ session: 's1' }, { requests: 1 })).toMatchObject({
        allowed: true,
        remaining: 0,
      })
    })

    it('counts cost, not calls: a cost that does not fit waits for enough to leave', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [
        { name: 'tokens', per: 'user', limit: 1000, windowMs: MINUTE },
      ])
      await limiter.consume({ user: 'u1' }, { tokens: 300 })
      clock.advance(SECOND)
      await limiter.consume({ user: 'u1' }, { tokens: 500 })
      clock.advance(SECOND)
      const small = await limiter.consume({ user: 'u1' }, { tokens: 200 })
      expect(small).toMatchObject({ allowed: true, remaining: 0 })
      // 600 must leave: the 300 at T0 and the 500 at T0+1s, so the wait ends at T0+1s+60s.
      const big = await limiter.consume({ user: 'u1' }, { tokens: 600 })
      expect(big).toMatchObject({ allowed: false, retryAfterMs: MINUTE - SECOND })
      // Each subject has its own window.
      expect((await limiter.consume({ user: 'u2' }, { tokens: 1000 })).allowed).toBe(true)
    })

    it('a cost of 0 reports the rule without charging it', async () => {
      const { limiter } = await makeLimiter(fixture, [requests])
      await limiter.consume({ session: 's1' }, { requests: 2 })
      const report = await limiter.consume({ session: 's1' }, { requests: 0 })
      expect(report).toMatchObject({ allowed: true, remaining: 1, reservation: { charges: [] } })
      expect((await limiter.consume({ session: 's1' }, { requests: 0 })).remaining).toBe(1)
    })

    it('a clock that goes back decides at the newest entry time, so the log never goes back', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [requests])
      clock.advance(MINUTE)
      const late = await limiter.consume({ session: 's1' }, { requests: 3 })
      clock.set(T0)
      const early = await limiter.consume({ session: 's1' }, { requests: 1 })
      expect(late.at).toBe(T0 + MINUTE)
      expect(early).toMatchObject({ allowed: false, retryAfterMs: MINUTE })
      expect(early.at).toBe(T0)
    })

    it('a call that dropped entries by a clock ahead moves the log on: a call behind it never counts them out', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [requests])
      await limiter.consume({ session: 's1' }, { requests: 3 })
      // A caller whose clock is a window ahead (or whose call ran late) drops the entries at T0 ...
      clock.set(T0 + MINUTE)
      expect((await limiter.consume({ session: 's1' }, { requests: 0 })).remaining).toBe(3)
      // ... so a caller still at T0 + 1 s is decided at T0 + 60 s, not admitted into a window that
      // by its own clock still holds the first three.
      clock.set(T0 + SECOND)
      const behind = await limiter.consume({ session: 's1' }, { requests: 3 })
      expect(behind.reservation?.charges[0]?.at).toBe(T0 + MINUTE)
    })

    it('lets the whole limit back once the window has passed', async () => {
      const { limiter, clock } = await makeLimiter(fixture, [requests])
      await limiter.consume({ session: 's1' }, { requests: 3 })
      clock.advance(MINUTE)
      expect(await limiter.consume({ session: 's1' }, { requests: 3 })).toMatchObject({
        allowed: true,
        remaining: 0,
        resetAt: T0 + 2 * MINUTE,
      })
    })
  })
})
