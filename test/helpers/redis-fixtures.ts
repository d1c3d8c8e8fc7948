import { afterAll, inject } from 'vitest'
import type { TestClient } from './redis-clients.js'
import { addStoreFixture } from './stores.js'

/**
 * A setup file (vitest `setupFiles`): when the run has a redis-server, registers the `redis`
 * store fixture (ioredis, standalone), so every suite written with `forEachStore` also runs on
 * Redis. Each store gets its own key prefix; one client serves the whole test file. The clients
 * and the store are loaded when a test first makes a store: a file that makes none does not pay
 * for loading them.
 */
if (inject('redisPort') !== undefined) {
  let connection: Promise<TestClient> | undefined
  addStoreFixture({
    name: 'redis',
    async make(clock) {
      const [clients, { createRedisStore }] = await Promise.all([
        import('./redis-clients.js'),
        import('../../src/redis/index.js'),
      ])
      connection ??= clients.connectIoredis()
      return createRedisStore({ client: (await connection).client, prefix: clients.uniquePrefix(), clock })
    },
  })
  afterAll(async () => {
    await (await connection)?.close()
    connection = undefined
  })
}
