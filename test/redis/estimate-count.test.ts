import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createSessionId } from '../../src/ids.js'
import { createSessionKit } from '../../src/kit.js'
import { createRedisStore } from '../../src/redis/index.js'
import {
  connectIoredis,
  connectIoredisCluster,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'
import { rng as seeded } from '../helpers/rng.js'

const MINUTE = 60_000

const topologies: [string, () => Promise<TestClient>, boolean][] = [
  ['standalone', connectIoredis, redisPort !== undefined],
  ['3-master Cluster', connectIoredisCluster, redisClusterNodes !== undefined],
]

for (const [name, connect, available] of topologies) {
  describe.runIf(available)(`estimateCount on Redis (${name})`, { timeout: 60_000 }, () => {
    const connection = useConnection(connect)

    it('counts every live record from counters, by class, through create, touch, writes, rename and delete', async () => {
      const clock = createManualClock(Date.now())
      const store = createRedisStore({ client: connection.client, prefix: uniquePrefix(), clock })
      const ids = Array.from({ length: 30 }, () => createSessionId())
      for (const id of ids) await store.create(id, { expiresAt: clock.now() + 10 * MINUTE })
      for (let i = 0; i < 5; i++) await store.create(`user:u${i}`, { expiresAt: clock.now() + 60 * MINUTE })
      expect(await store.estimateCount!()).toBe(35)
      expect(await store.estimateCount!({ prefix: 'user:' })).toBe(5)
      // Moves across buckets keep the count.
      clock.advance(3 * MINUTE)
      await store.touch(ids[0]!, clock.now() + 30 * MINUTE)
      await store.touchMeta!(ids[1]!, clock.now() + 30 * MINUTE)
      await store.setValue(ids[2]!, 'p', { a: 1 }, { expiresAt: clock.now() + 30 * MINUTE })
      await store.push(ids[3]!, 'l', ['x'], { max: 5, expiresAt: clock.now() + 30 * MINUTE })
      await store.updateMap(ids[4]!, 'm', { set: { a: 1 } }, { expiresAt: clock.now() + 30 * MINUTE })
      await store.mergeValue!(ids[5]!, 'p', { a: 1 }, { expiresAt: clock.now() + 30 * MINUTE })
      await store.patchMeta(ids[6]!, { k: 1 }, { expiresAt: clock.now() + 30 * MINUTE })
      await store.deletePart(ids[2]!, 'p', { expiresAt: clock.now() + 40 * MINUTE })
      const to = store.renameTarget(ids[7]!)
      await store.rename(ids[7]!, to, {
        tombstoneUntil: clock.now() + MINUTE,
        expiresAt: clock.now() + 30 * MINUTE,
      })
      await store.delete(ids[8]!)
      expect(await store.estimateCount!()).toBe(34)
      expect(await store.count()).toBe(34)
      // The 22 untouched sessions expire at +10 min; in the minute they expired they may still count,
      // from the next minute they do not.
      clock.advance(7 * MINUTE + 1)
      const justAfter = await store.estimateCount!()
      expect(justAfter).toBeGreaterThanOrEqual(13)
      expect(justAfter).toBeLessThanOrEqual(34)
      clock.advance(MINUTE)
      // 8 sessions moved to +30 min, 5 users.
      expect(await store.estimateCount!()).toBe(13)
      // A create over an expired record's leftovers counts it once.
      await store.create(ids[20]!, { expiresAt: clock.now() + MINUTE })
      expect(await store.estimateCount!({ prefix: '' })).toBe(14)
    })

    // On a Cluster each estimate reads 16,384 counters (about a second here): the random walk runs on one server.
    it.runIf(name === 'standalone')(
      'never misses a live record and over-counts only records that expired in the last minute (random calls)',
      async () => {
        const rng = seeded(15)
        const clock = createManualClock(Date.now())
        const store = createRedisStore({ client: connection.client, prefix: uniquePrefix(), clock })
        const ids = Array.from({ length: 12 }, () => createSessionId())
        const expiries = new Map<string, number>()
        for (let step = 0; step < 150; step++) {
          const id = ids[Math.floor(rng() * ids.length)]!
          const until = clock.now() + Math.floor(rng() * 5 * MINUTE) + 1
          const live = (expiries.get(id) ?? 0) > clock.now()
          const op = Math.floor(rng() * 4)
          if (op === 0 && (await store.create(id, { expiresAt: until }))) expiries.set(id, until)
          if (op === 1 && live && (await store.touch(id, until))) expiries.set(id, until)
          if (op === 2 && live) {
            await store.setValue(id, 'p', step, { expiresAt: until })
            expiries.set(id, until)
          }
          if (op === 3 && (await store.delete(id))) expiries.delete(id)
          clock.advance(Math.floor(rng() * 20_000))
          const now = clock.now()
          const exact = [...expiries.values()].filter((e) => e > now).length
          const recent = [...expiries.values()].filter(
            (e) => e <= now && e >= Math.floor(now / MINUTE) * MINUTE,
          ).length
          const estimate = await store.estimateCount!()
          expect(estimate).toBeGreaterThanOrEqual(exact)
          expect(estimate).toBeLessThanOrEqual(exact + recent)
        }
      },
    )

    it('kit.stats() counts active sessions from the counters, users left out', async () => {
      const store = createRedisStore({ client: connection.client, prefix: uniquePrefix() })
      const kit = createSessionKit({ store })
      for (let i = 0; i < 4; i++) await kit.create({ userId: `u${i % 2}` })
      await kit.create()
      expect((await kit.stats()).active).toBe(5)
      expect(await store.estimateCount!({ prefix: 'user:' })).toBe(2)
    })

    it('refuses a prefix that is not a class, pointing at count()', async () => {
      const store = createRedisStore({ client: connection.client, prefix: uniquePrefix() })
      await expect(store.estimateCount!({ prefix: 'abc' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      await expect(store.estimateCount!({ prefix: 'a:b:' })).rejects.toThrow(/count\(\)/)
    })
  })
}
