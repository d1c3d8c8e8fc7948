import { Cluster } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createRedisStore, fromIoredis } from '../../src/redis/index.js'
import {
  connectIoredisCluster,
  ignoreConnectionErrors,
  redisClusterNodes,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'

const MINUTE = 60_000

describe.runIf(redisClusterNodes !== undefined)('Redis store on a 3-master Cluster', () => {
  const connection = useConnection(connectIoredisCluster)

  it('spreads records over every master, each record whole in one slot', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: connection.client, prefix, clock })
    const ids = Array.from({ length: 30 }, (_, i) => `s${i}`)
    for (const id of ids) {
      await store.create(id, { expiresAt: clock.now() + MINUTE })
      await store.push(id, 'history', ['hi'], { max: 10, idempotencyKey: 'k' })
      await store.updateMap(id, 'cart', { set: { a: 1 } })
    }
    const masters = await connection.client.masters()
    expect(masters).toHaveLength(3)
    const perMaster = await Promise.all(
      masters.map(async (master) => {
        const found: string[] = []
        for (let cursor = '0'; ; ) {
          const reply = (await master.eval(
            "return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', 1000)",
            [],
            [cursor, `{${prefix}:*`],
          )) as [string, string[]]
          found.push(...reply[1])
          cursor = reply[0]
          if (cursor === '0') return found
        }
      }),
    )
    // Every master holds some records, and all five keys of a record sit on the same master.
    for (const keys of perMaster) expect(keys.length).toBeGreaterThan(0)
    for (const id of ids) {
      const holders = perMaster.filter((keys) => keys.some((key) => key.startsWith(`{${prefix}:${id}}`)))
      expect(holders).toHaveLength(1)
      expect(holders[0]!.filter((key) => key.startsWith(`{${prefix}:${id}}`))).toHaveLength(5)
    }
    expect(await store.count()).toBe(ids.length)
  })

  it('scan on a Cluster client that has just been made waits for it to learn its masters', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const writer = createRedisStore({ client: connection.client, prefix, clock })
    for (let i = 0; i < 10; i++) await writer.create(`r${i}`, { expiresAt: clock.now() + MINUTE })
    const fresh = new Cluster([...redisClusterNodes!]).on('error', ignoreConnectionErrors)
    try {
      const reader = createRedisStore({ client: fromIoredis(fresh), prefix, clock })
      expect(await reader.count()).toBe(10)
    } finally {
      await fresh.quit()
    }
  })
})
