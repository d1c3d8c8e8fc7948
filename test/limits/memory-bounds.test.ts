import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { ENTRY_BYTES, STATE_BYTES } from '../../src/limits/memory-sizes.js'

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
    // One millisecond apart: requests of the same millisecond would share an entry.
    for (let i = 0; i < 200; i++)
      for (let j = 0; j < 50; j++) {
        await limiter.consume({ ip: `a${i}` }, { tokens: 1 })
        clock.advance(1)
      }
    const stats = limiter.stats()
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes)
    expect(stats.bytes).toBeGreaterThan(maxBytes / 2)
    expect(stats.keys! * 50 * ENTRY_BYTES).toBeLessThanOrEqual(maxBytes)
  })

  it('holds at most maxBytes, pool pages included, under a flood of long hostile ids on two rules', async () => {
    const clock = createManualClock(0)
    const maxBytes = 1 << 20
    const limiter = createRateLimiter({
      rules: [
        { name: 'requests', per: 'ip', limit: 50, windowMs: MINUTE },
        {
          name: 'burst',
          per: 'ip',
          cost: 'requests',
          algorithm: 'token-bucket',
          limit: 50,
          windowMs: MINUTE,
        },
      ],
      clock,
      memory: { maxBytes },
    })
    // Ids of the longest length accepted, with a growing number of entries per id, so rings of
    // several sizes are held at once.
    const hostile = (i: number) => `${i}:`.padEnd(128, 'x')
    let most = 0
    for (let i = 0; i < 6000; i++) {
      for (let j = 0; j <= i % 12; j++) await limiter.consume({ ip: hostile(i) }, { requests: 1 })
      if (i % 200 === 0) most = Math.max(most, limiter.stats().bytes!)
      clock.advance(1)
    }
    const stats = limiter.stats()
    // Names every object has are refused before anything is held.
    await expect(limiter.consume({ ip: '__proto__' }, { requests: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    expect(limiter.stats()).toEqual(stats)
    expect(Math.max(most, stats.bytes!)).toBeLessThanOrEqual(maxBytes)
    expect(stats.evicted).toBeGreaterThan(3000)
    // Every state held is counted with its id: the ids alone could not have been more.
    expect(stats.keys! * (STATE_BYTES + 2 * 128)).toBeLessThanOrEqual(maxBytes)
    // The limiter still limits: a subject just seen keeps its window.
    const last = hostile(5999)
    expect((await limiter.consume({ ip: last }, { requests: 50 })).allowed).toBe(false)
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
      memory: { maxBytes: 1 << 20 }, // pages of 4 KiB
    })
    for (let i = 0; i < 4096; i++) {
      await limiter.consume({ user: 'u1' }, { tokens: 1 })
      clock.advance(1)
    }
    const full = limiter.stats().bytes!
    clock.advance(MINUTE)
    await limiter.consume({ user: 'u1' }, { tokens: 1 })
    // The ring went back to the pool, which keeps no page for ring sizes no log uses: what is left
    // is the state and the page of the new entry's ring.
    expect(limiter.stats().bytes!).toBeLessThanOrEqual(STATE_BYTES + 2 * 'user:u1'.length + 4096)
    expect(full).toBeGreaterThan(4096 * 24)
  })
})
