import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, systemClock } from '../../src/clock.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import type { RateRule } from '../../src/limits/rules.js'
import { createRedisStore, fromIoredis } from '../../src/redis/index.js'
import { scripts } from '../../src/redis/limits/lua/scripts.js'
import { keySlot } from '../../src/redis/slots.js'
import { countingClient } from '../helpers/counting-client.js'
import {
  connectIoredisCluster,
  ignoreConnectionErrors,
  redisClusterNodes,
  redisPort,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'

const rules: RateRule[] = [
  { name: 'requests', per: 'session', limit: 10, windowMs: 200 },
  { name: 'tokens', per: 'user', limit: 1000, windowMs: 200 },
  {
    name: 'burst',
    per: 'tenant',
    cost: 'requests',
    algorithm: 'token-bucket',
    limit: 1,
    windowMs: 200,
    burst: 10,
  },
]
const subjects = { session: 's1', user: 'u1', tenant: 't1' }
const costs = { requests: 1, tokens: 100 }

describe.runIf(redisPort !== undefined)('rate limits on one Redis server: keys and round trips', () => {
  let raw: Redis
  beforeAll(() => {
    raw = new Redis({ host: '127.0.0.1', port: redisPort }).on('error', ignoreConnectionErrors)
  })
  afterAll(() => raw.disconnect())

  async function keysOf(prefix: string): Promise<string[]> {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `{${prefix}|*`, 'COUNT', 1000)
      keys.push(...batch)
      cursor = next
    } while (cursor !== '0')
    return keys.sort()
  }

  it('a consume over three subjects is one script; a settle is one more', async () => {
    const counter = countingClient(fromIoredis(raw))
    const store = createRedisStore({ client: counter.client, prefix: uniquePrefix() })
    const limiter = createRateLimiter({ store, rules })
    // The first call of each script on a server may add an EVAL (NOSCRIPT).
    await limiter.settle((await limiter.consume(subjects, costs)).reservation!, { tokens: 10 })
    counter.reset()
    const r = await limiter.consume(subjects, costs)
    expect([r.allowed, counter.calls()]).toEqual([true, 1])
    await limiter.settle(r.reservation!, { tokens: 40 })
    expect(counter.calls()).toBe(2)
  })

  it('keeps one key per rule and subject, under {prefix|kind:id}, each with a TTL; all gone soon after the window', async () => {
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(raw), prefix, clock: systemClock, expiryGraceMs: 0 })
    // Windows of a second (not the 200 ms above): a loaded machine must not expire the keys before
    // they are listed.
    const limiter = createRateLimiter({ store, rules: rules.map((rule) => ({ ...rule, windowMs: 1000 })) })
    await limiter.consume(subjects, costs)
    expect(await keysOf(prefix)).toEqual([
      `{${prefix}|session:s1}:requests`,
      `{${prefix}|tenant:t1}:burst`,
      `{${prefix}|user:u1}:tokens`,
    ])
    for (const key of await keysOf(prefix)) {
      // Never a key without expiry (-1); -2 is a key gone already on a slow machine.
      const ttl = await raw.pttl(key)
      expect(ttl === -2 || ttl > 0, `${key}: ${ttl}`).toBe(true)
      // The window (1000 ms) plus an eighth of it, which spares most calls a PEXPIRE.
      expect(ttl, key).toBeLessThanOrEqual(1125)
    }
    // A sliding window: its state (six doubles), then one entry (seq, time, cost) per admission.
    const log = `{${prefix}|user:u1}:tokens`
    expect(await raw.type(log)).toBe('list')
    const [state, entry, ...rest] = await raw.lrangeBuffer(log, 0, -1)
    expect([state!.length, rest.length]).toEqual([48, 0])
    expect([state!.readDoubleLE(0), entry!.readDoubleLE(0), entry!.readDoubleLE(16)]).toEqual([100, 1, 100])
    expect(entry!.readDoubleLE(8)).toBe(state!.readDoubleLE(8)) // the newest entry's time
    expect(await raw.type(`{${prefix}|tenant:t1}:burst`)).toBe('string')
    // Gone by Redis's own expiry (no sweeper of ours): polled, so a loaded server has time.
    await new Promise((resolve) => setTimeout(resolve, 1200))
    for (let i = 0; i < 40 && (await keysOf(prefix)).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await keysOf(prefix)).toEqual([])
  })

  it('names the store key space apart: no record scan or count sees rate-limit keys', async () => {
    const clock = createManualClock(Date.now())
    const store = createRedisStore({ client: fromIoredis(raw), prefix: uniquePrefix(), clock })
    await createRateLimiter({ store, rules }).consume(subjects, costs)
    expect(await store.count()).toBe(0)
  })
})

describe.runIf(redisClusterNodes !== undefined)(
  'rate limits on a 3-master Cluster: one script per slot',
  () => {
    const connection = useConnection(connectIoredisCluster)

    it('sends one script per slot, all at once', async () => {
      const counter = countingClient(connection.client)
      const prefix = uniquePrefix()
      const store = createRedisStore({ client: counter.client, prefix })
      const limiter = createRateLimiter({ store, rules })
      await limiter.consume(subjects, costs)
      counter.reset()
      await limiter.consume(subjects, costs)
      const slots = new Set(['session:s1', 'user:u1', 'tenant:t1'].map((s) => keySlot(`{${prefix}|${s}}`)))
      expect([counter.calls(), counter.mostAtOnce()]).toEqual([slots.size, slots.size])
    })
  },
)

describe('rate-limit Lua scripts', () => {
  // Pinned, as the store's are: a change to a script is a deliberate one.
  const pinned: Record<string, string> = {
    rateLimitConsume: '18af1d84c411c82016ea3a558e311832de5e9fa2',
    rateLimitSettle: '4175d4c1b165bd1cee30f2c2581cecfcb0c26325',
  }

  it('each is the prelude followed by its file, with the SHA-1 of its source', () => {
    const dir = join(import.meta.dirname, '../../src/redis/limits/lua')
    const lib = readFileSync(join(dir, '_lib.lua'), 'utf8')
    const files = readdirSync(dir).filter((f) => f.endsWith('.lua') && !f.startsWith('_'))
    expect(Object.keys(scripts).sort()).toEqual(Object.keys(pinned).sort())
    expect(files).toHaveLength(2)
    for (const script of Object.values(scripts)) {
      expect(createHash('sha1').update(script.source).digest('hex')).toBe(pinned[script.name])
      expect(script.source.startsWith(lib)).toBe(true)
    }
  })
})
