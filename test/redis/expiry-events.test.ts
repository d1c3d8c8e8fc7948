import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionId } from '../../src/ids.js'
import { createSessionKit } from '../../src/kit.js'
import type { RedisClientLike } from '../../src/redis/client.js'
import { createRedisStore } from '../../src/redis/index.js'
import type { RemovalEvent } from '../../src/store/contract.js'
import type { SessionKitWarning } from '../../src/warnings.js'
import {
  connectIoredis,
  connectIoredisCluster,
  connectNodeRedis,
  connectNodeRedisCluster,
  ignoreConnectionErrors,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'

// Redis reports a key it expired on the node that held it, only when keyspace notifications are
// on. Its expiry cycle samples keys at random, so on a server crowded with other suites' keys it
// may take long to find these: the tests also read the records, which makes Redis expire a key
// that is past its TTL on the spot (and report it the same way). About a second each.

const topologies: [string, () => Promise<TestClient>, { host: string; port: number }[] | undefined][] = [
  [
    'ioredis, standalone',
    connectIoredis,
    redisPort === undefined ? undefined : [{ host: '127.0.0.1', port: redisPort }],
  ],
  [
    'node-redis, standalone',
    connectNodeRedis,
    redisPort === undefined ? undefined : [{ host: '127.0.0.1', port: redisPort }],
  ],
  [
    'ioredis, 3-master Cluster',
    connectIoredisCluster,
    redisClusterNodes ? [...redisClusterNodes] : undefined,
  ],
  [
    'node-redis, 3-master Cluster',
    connectNodeRedisCluster,
    redisClusterNodes ? [...redisClusterNodes] : undefined,
  ],
]

async function until(check: () => boolean, poke: () => Promise<unknown>, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    await poke()
  }
}

for (const [name, connect, nodes] of topologies) {
  describe.runIf(nodes !== undefined)(`expired events from keyspace notifications (${name})`, () => {
    const connection = useConnection(connect)
    const admins: Redis[] = []
    beforeAll(async () => {
      for (const node of nodes ?? []) {
        const admin = new Redis(node).on('error', ignoreConnectionErrors)
        admins.push(admin)
        await admin.config('SET', 'notify-keyspace-events', 'Ex')
      }
    })
    afterAll(() => {
      for (const admin of admins) admin.disconnect()
    })

    it('reports each record Redis expires once, on every master; a deleted record is not reported', async () => {
      const store = createRedisStore({
        client: connection.client,
        prefix: uniquePrefix(),
        expiryGraceMs: 0,
        expiryEvents: true,
      })
      expect(store.capabilities.expiryEvents).toBe(true)
      const events: RemovalEvent[] = []
      const unsubscribe = store.subscribe!((event) => events.push(event))
      // The subscribers connect in the background.
      // 24 random ids: every master holds some (all three miss one with odds of 1 in 50,000).
      const ids = Array.from({ length: 24 }, () => createSessionId())
      await new Promise((resolve) => setTimeout(resolve, 300))
      // A record with a part: the header's expiry is the one reported.
      await store.create(ids[0]!, { expiresAt: Date.now() + 1_000 })
      await store.setValue(ids[0]!, 'state', { a: 1 })
      for (const id of ids.slice(1)) await store.create(id, { expiresAt: Date.now() + 300 })
      const deleted = createSessionId()
      await store.create(deleted, { expiresAt: Date.now() + 300 })
      await store.delete(deleted)
      await until(
        () => events.length >= ids.length,
        () => Promise.all(ids.map((id) => store.meta(id))),
        10_000,
      )
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(events.map((e) => e.id).sort()).toEqual([...ids].sort())
      expect(events.every((e) => e.reason === 'expired')).toBe(true)
      unsubscribe()
      await store.close()
    })
  })
}

describe.runIf(redisPort !== undefined)('kit.on(expired) on Redis', () => {
  const connection = useConnection(connectIoredis)

  it('a kit on a store with expiryEvents hears its sessions expire and counts them', async () => {
    const admin = new Redis({ host: '127.0.0.1', port: redisPort! }).on('error', ignoreConnectionErrors)
    await admin.config('SET', 'notify-keyspace-events', 'Ex')
    const store = createRedisStore({
      client: connection.client,
      prefix: uniquePrefix(),
      expiryGraceMs: 0,
      expiryEvents: true,
    })
    const kit = createSessionKit({ store, ttl: { idleMs: 100 } })
    const heard: string[] = []
    kit.on('expired', (event) => heard.push(event.sessionId))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const session = await kit.create()
    await until(
      () => heard.length > 0,
      () => store.meta(session.id),
      10_000,
    )
    expect(heard).toEqual([session.id])
    expect((await kit.stats()).expired).toBe(1)
    await kit.close()
    admin.disconnect()
  })

  it('a listener that throws is a warning to onWarning and the others still hear the expiry', async () => {
    const admin = new Redis({ host: '127.0.0.1', port: redisPort! }).on('error', ignoreConnectionErrors)
    await admin.config('SET', 'notify-keyspace-events', 'Ex')
    const warnings: SessionKitWarning[] = []
    const store = createRedisStore({
      client: connection.client,
      prefix: uniquePrefix(),
      expiryGraceMs: 0,
      expiryEvents: true,
      onWarning: (warning) => warnings.push(warning),
    })
    const heard: string[] = []
    const stopBad = store.subscribe!(() => {
      throw new Error('listener bug')
    })
    const stopGood = store.subscribe!((event) => heard.push(event.id))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const id = createSessionId()
    await store.create(id, { expiresAt: Date.now() + 200 })
    await until(
      () => heard.length > 0,
      () => store.meta(id),
      10_000,
    )
    expect(heard).toEqual([id])
    expect(warnings.map((w) => w.code)).toEqual(['SESSIONKIT_LISTENER_FAILED'])
    expect(String(warnings[0]?.message)).toMatch(/listener bug/)
    stopBad()
    stopGood()
    await store.close()
    admin.disconnect()
  })

  it('a subscription that fails is SESSIONKIT_EXPIRY_EVENTS_FAILED, and the next subscribe tries again', async () => {
    const warnings: SessionKitWarning[] = []
    let attempts = 0
    // The real client, with a subscription that the server refuses.
    const client: RedisClientLike = {
      ...connection.client,
      subscribeExpired: async () => {
        attempts++
        throw new Error('ERR unknown command PSUBSCRIBE')
      },
    }
    const store = createRedisStore({
      client,
      prefix: uniquePrefix(),
      expiryEvents: true,
      onWarning: (warning) => warnings.push(warning),
    })
    store.subscribe!(() => {})()
    await until(
      () => warnings.length > 0,
      async () => {},
      2_000,
    )
    expect(warnings.map((w) => w.code)).toEqual(['SESSIONKIT_EXPIRY_EVENTS_FAILED'])
    expect(warnings[0]?.message).toMatch(/PSUBSCRIBE/)
    store.subscribe!(() => {})()
    await until(
      () => warnings.length > 1,
      async () => {},
      2_000,
    )
    expect(attempts).toBe(2)
    await store.close()
  })
})

describe('expiryEvents option', () => {
  it('needs a client that can subscribe', () => {
    const client = { evalsha: async () => 0, eval: async () => 0, masters: async () => [] }
    expect(() => createRedisStore({ client, expiryEvents: true })).toThrow(/subscribeExpired/)
    expect(createRedisStore({ client }).capabilities.expiryEvents).toBe(false)
    expect(createRedisStore({ client }).subscribe).toBeUndefined()
  })

  it('is checked like every option: a typo names the closest, a bad value names the option', () => {
    const client = { evalsha: async () => 0, eval: async () => 0, masters: async () => [] }
    const bad = (options: Record<string, unknown>) => () =>
      createRedisStore({ client, ...options } as Parameters<typeof createRedisStore>[0])
    expect(bad({ expiryEvent: true })).toThrow(/did you mean "expiryEvents"/)
    expect(bad({ valueCacheByte: 1 })).toThrow(/did you mean "valueCacheBytes"/)
    expect(bad({ expiryEvents: 'yes' })).toThrow(/option "expiryEvents"/)
    expect(bad({ valueCacheBytes: -1 })).toThrow(/option "valueCacheBytes"/)
    expect(bad({ onWarning: 'log' })).toThrow(/option "onWarning" must be a function/)
  })
})
