import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { rateLimitHeaders } from '../../src/limits/headers.js'
import { createRateLimiter } from '../../src/limits/limiter.js'

describe('rateLimitHeaders', () => {
  it('gives limit, remaining and reset in delta seconds; Retry-After rounded up, never below retryAfterMs', async () => {
    const clock = createManualClock(1_000_000)
    const limiter = createRateLimiter({
      rules: [{ name: 'requests', per: 'session', limit: 2, windowMs: 10_500 }],
      clock,
    })
    const first = await limiter.consume({ session: 's1' }, { requests: 1 })
    expect(rateLimitHeaders(first)).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '11',
    })
    clock.advance(1)
    await limiter.consume({ session: 's1' }, { requests: 1 })
    clock.advance(1)
    const refused = await limiter.consume({ session: 's1' }, { requests: 1 })
    expect(refused.retryAfterMs).toBe(10_498)
    expect(rateLimitHeaders(refused)).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '0',
      'RateLimit-Reset': '11',
      'Retry-After': '11',
    })
    for (const ms of [1, 999, 1000, 1001, 59_999]) {
      const seconds = Number(rateLimitHeaders({ ...refused, retryAfterMs: ms })['Retry-After'])
      expect(Number.isInteger(seconds) && seconds * 1000 >= ms && seconds * 1000 < ms + 1000).toBe(true)
    }
  })
})
