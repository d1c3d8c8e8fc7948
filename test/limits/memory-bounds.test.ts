import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { ENTRY_BYTES } from '../../src/limits/memory-sizes.js'

const MINUTE = 60_000

describe('memory backend bounds', () => {
  it('holds at most maxKeys subjects: the least recently used go, and are counted when they held state', async () => {
    const clock = createManualClock(0)
    const limiter = createRateLimiter({
      rules: [{ name: 'requests', per: 'session', limit: 2, windowMs: MINUTE }],
      clock,
      memory: { maxKeys: 100 },
    })
    for (let i = 0; i < 1000; i++) await limiter.consume({ session: `s${i}` }, { requests: 1 })
    expect(limiter.stats()).toMatchObject({ keys: 100, evicted: 900 })
    // The most recent subjects kept their state.
    expect((await limiter.consume({ session: 's999' }, { requests: 2 })).allowed).toBe(false)
  })

  it('holds at most maxBytes, counting each log entry, under an attacker spreading cost over many subjects', async () => {
    const clock = createManualClock(0)
    const maxBytes = 1 << 16
    const limiter = createRateLimiter({
      rules: [{ name: 'tokens', per: 'ip', limit: 1000, windowMs: MINUTE }],
      clock,
      memory: { maxBytes },
    })
    for (let i = 0; i < 200; i++)
      for (let j = 0; j < 50; j++) await limiter.consume({ ip: `a${i}` }, { tokens: 1 })
    const stats = limiter.stats()
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes)
    expect(stats.bytes).toBeGreaterThan(maxBytes / 2)
    expect(stats.keys! * 50 * ENTRY_BYTES).toBeLessThanOrEqual(maxBytes)
  })

  it('drops subjects whose windows have passed as new ones arrive, without counting them as evicted', async () => {
    const clock = createManualClock(0)
    const limiter = createRateLimiter({
      rules: [{ name: 'requests', per: 'session', limit: 2, windowMs: MINUTE }],
      clock,
    })
    for (let i = 0; i < 50; i++) await limiter.consume({ session: `old${i}` }, { requests: 1 })
    clock.advance(MINUTE)
    for (let i = 0; i < 50; i++) await limiter.consume({ session: `new${i}` }, { requests: 1 })
    expect(limiter.stats()).toMatchObject({ keys: 50, evicted: 0 })
  })

  it('gives a log back its memory when its window empties', async () => {
    const clock = createManualClock(0)
    const limiter = createRateLimiter({
      rules: [{ name: 'tokens', per: 'user', limit: 10_000, windowMs: MINUTE }],
      clock,
    })
    for (let i = 0; i < 4096; i++) await limiter.consume({ user: 'u1' }, { tokens: 1 })
    const full = limiter.stats().bytes!
    clock.advance(MINUTE)
    await limiter.consume({ user: 'u1' }, { tokens: 1 })
    expect(limiter.stats().bytes!).toBeLessThan(full / 100)
  })
})
