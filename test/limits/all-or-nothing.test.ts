import { describe, expect, it } from 'vitest'
import type { RateRule } from '../../src/limits/rules.js'
import { forEachStore } from '../helpers/stores.js'
import { HOUR, MINUTE, makeLimiter, SECOND } from './setup.js'

const rules: RateRule[] = [
  { name: 'session-requests', per: 'session', cost: 'requests', limit: 5, windowMs: MINUTE },
  { name: 'user-requests', per: 'user', cost: 'requests', limit: 3, windowMs: MINUTE },
  { name: 'tokens', per: 'user', limit: 1000, windowMs: HOUR },
]

forEachStore((fixture) => {
  describe('several rules in one consume', () => {
    it('takes every rule or none: a refusal by one leaves the others as they were', async () => {
      const { limiter } = await makeLimiter(fixture, rules)
      const who = { session: 's1', user: 'u1' }
      expect((await limiter.consume(who, { requests: 1, tokens: 900 })).allowed).toBe(true)
      const refused = await limiter.consume(who, { requests: 1, tokens: 200 })
      expect(refused).toMatchObject({
        allowed: false,
        limited: ['tokens'],
        rule: 'tokens',
        reservation: undefined,
      })
      // Neither request rule was charged by the refused call.
      const report = await limiter.consume(who, { requests: 0, tokens: 0 })
      expect(report.rules.map((r) => [r.name, r.remaining])).toEqual([
        ['session-requests', 4],
        ['user-requests', 2],
        ['tokens', 100],
      ])
    })

    it('reports the binding rule: the one that frees up last when refused, the smallest share left when admitted', async () => {
      const { limiter, clock } = await makeLimiter(fixture, rules)
      const who = { session: 's1', user: 'u1' }
      const admitted = await limiter.consume(who, { requests: 2, tokens: 100 })
      // user-requests has 1 of 3 left (33%), session-requests 3 of 5, tokens 900 of 1000.
      expect(admitted).toMatchObject({ rule: 'user-requests', limit: 3, remaining: 1 })
      clock.advance(SECOND)
      const refused = await limiter.consume(who, { requests: 2, tokens: 950 })
      expect(refused.limited).toEqual(['user-requests', 'tokens'])
      expect(refused).toMatchObject({ rule: 'tokens', retryAfterMs: HOUR - SECOND })
    })

    it('a cost no rule could ever admit is LIMIT_EXCEEDED before anything is charged', async () => {
      const { limiter } = await makeLimiter(fixture, rules)
      await expect(limiter.consume({ user: 'u1' }, { tokens: 1001 })).rejects.toMatchObject({
        code: 'LIMIT_EXCEEDED',
        details: { rule: 'tokens', cost: 1001, limit: 1000 },
      })
      expect((await limiter.consume({ user: 'u1' }, { tokens: 1000 })).allowed).toBe(true)
    })

    it('settled overruns pass the quota by exactly the underestimates of the requests in flight, then refuse', async () => {
      const { limiter } = await makeLimiter(fixture, rules)
      const a = await limiter.consume({ user: 'u1' }, { tokens: 400 })
      const b = await limiter.consume({ user: 'u1' }, { tokens: 400 })
      await limiter.settle(a.reservation!, { tokens: 700 })
      await limiter.settle(b.reservation!, { tokens: 500 })
      // 1,200 held against 1,000: 300 + 100 of estimate error, both in flight when admitted.
      expect(await limiter.consume({ user: 'u1' }, { tokens: 0 })).toMatchObject({
        allowed: false,
        remaining: 0,
      })
      expect((await limiter.consume({ user: 'u1' }, { tokens: 1 })).allowed).toBe(false)
    })

    it('a reservation settles once; as JSON from another process it settles the same entries', async () => {
      const { limiter } = await makeLimiter(fixture, rules)
      const r = await limiter.consume({ user: 'u1' }, { tokens: 500 })
      const copy = JSON.parse(JSON.stringify(r.reservation))
      await limiter.settle(r.reservation!, { tokens: 100 })
      await expect(limiter.settle(r.reservation!, { tokens: 50 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      // The copy still says 500 were taken: the entry now holds 100, so it matches nothing.
      await limiter.settle(copy, { tokens: 0 })
      expect((await limiter.consume({ user: 'u1' }, { tokens: 0 })).remaining).toBe(900)
    })
  })
})
