import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createRedisStore, fromIoredis, type RedisStore } from '../../src/redis/index.js'
import { ignoreConnectionErrors, redisPort, uniquePrefix } from '../helpers/redis-clients.js'

const MINUTE = 60_000

describe.runIf(redisPort !== undefined)('Redis key layout and Redis-side expiry', () => {
  let raw: Redis
  beforeAll(() => {
    raw = new Redis({ host: '127.0.0.1', port: redisPort }).on('error', ignoreConnectionErrors)
  })
  afterAll(async () => {
    await raw.quit()
  })

  /** Every key of the prefix but the live-record counter (`{<prefix>:~...}:n`, see below). */
  async function keysOf(prefix: string): Promise<string[]> {
    return (await allKeysOf(prefix)).filter((key) => !(key.startsWith(`{${prefix}:~`) && key.endsWith('}:n')))
  }

  async function allKeysOf(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `{${prefix}:*`, 'COUNT', 1000)
      keys.push(...batch)
      cursor = next
    } while (cursor !== '0')
    return keys.sort()
  }

  async function fill(store: RedisStore, id: string, expiresAt: number): Promise<void> {
    await store.create(id, { expiresAt, data: { userId: 'u1' } })
    await store.setValue(id, 'state', { step: 1 })
    await store.push(id, 'history', ['a', 'b'], { max: 10, idempotencyKey: 'k1' })
    await store.updateMap(id, 'cart', { set: { a: 1 } })
  }

  it('a record is a header hash plus one key per part, all under {prefix:id}; no index keys', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(raw), prefix, clock })
    await fill(store, 's1', clock.now() + MINUTE)
    await fill(store, 's2', clock.now() + MINUTE)
    const keys = await keysOf(prefix)
    const expected = (id: string) => [
      `{${prefix}:${id}}`,
      `{${prefix}:${id}}:cart`,
      `{${prefix}:${id}}:history`,
      `{${prefix}:${id}}:history#k`,
      `{${prefix}:${id}}:history#o`,
      `{${prefix}:${id}}:state`,
    ]
    expect(keys).toEqual([...expected('s1'), ...expected('s2')])
    expect(await raw.type(`{${prefix}:s1}`)).toBe('hash')
    expect(await raw.type(`{${prefix}:s1}:history`)).toBe('list')
    expect(await raw.type(`{${prefix}:s1}:cart`)).toBe('hash')
    expect(await raw.type(`{${prefix}:s1}:state`)).toBe('string')
  })

  it('every key carries a Redis expiry at least as far out as the record, and touch pushes them out', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(raw), prefix, clock, expiryGraceMs: 0 })
    await fill(store, 's1', clock.now() + MINUTE)
    for (const key of await keysOf(prefix)) {
      const ttl = await raw.pttl(key)
      expect([key, ttl > MINUTE - 5_000 && ttl <= MINUTE + MINUTE / 8]).toEqual([key, true])
    }
    await store.touch('s1', clock.now() + 60 * MINUTE)
    for (const key of await keysOf(prefix)) {
      expect([key, (await raw.pttl(key)) > 59 * MINUTE]).toEqual([key, true])
    }
  })

  it('a part with its own earlier expiry keeps it in Redis when the record is touched', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(raw), prefix, clock, expiryGraceMs: 0 })
    await store.create('s1', { expiresAt: clock.now() + MINUTE })
    await store.push('s1', 'history', ['a'], { max: 10, partExpiresAt: clock.now() + 2_000 })
    await store.touch('s1', clock.now() + 60 * MINUTE)
    expect(await raw.pttl(`{${prefix}:s1}:history`)).toBeLessThanOrEqual(2_000)
    expect(await raw.pttl(`{${prefix}:s1}`)).toBeGreaterThan(59 * MINUTE)
  })

  it('Redis reclaims the keys of an expired record by itself', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(raw), prefix, clock, expiryGraceMs: 0 })
    // Redis expires keys by its own clock: 2 s leaves a loaded machine time to write all four
    // parts before the record ends under them.
    await fill(store, 's1', clock.now() + 2000)
    expect((await keysOf(prefix)).length).toBeGreaterThan(1)
    // Waits for Redis's own expiry (no sweeper of ours), polling; a leak would never get here.
    for (let i = 0; i < 300 && (await keysOf(prefix)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50))
    expect(await keysOf(prefix)).toEqual([])
  })

  it('delete removes every key of the record; create after expiry clears the old parts', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(raw), prefix, clock })
    await fill(store, 's1', clock.now() + MINUTE)
    expect(await store.delete('s1')).toBe(true)
    expect(await keysOf(prefix)).toEqual([])
    await fill(store, 's2', clock.now() + MINUTE)
    clock.advance(2 * MINUTE)
    expect(await store.create('s2', { expiresAt: clock.now() + MINUTE })).toBe(true)
    expect(await keysOf(prefix)).toEqual([`{${prefix}:s2}`])
  })
})
