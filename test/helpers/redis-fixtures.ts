import { afterAll } from 'vitest'
import { createRedisStore } from '../../src/redis/index.js'
import { connectIoredis, redisPort, type TestClient, uniquePrefix } from './redis-clients.js'
import { addStoreFixture } from './stores.js'

/**
 * A setup file (vitest `setupFiles`): when the run has a redis-server, registers the `redis`
 * store fixture (ioredis, standalone), so every suite written with `forEachStore` also runs on
 * Redis. Each store gets its own key prefix; one client serves the whole test file.
 */
if (redisPort !== undefined) {
  let connection: Promise<TestClient> | undefined
  addStoreFixture({
    name: 'redis',
    async make(clock) {
      connection ??= connectIoredis()
      return createRedisStore({ client: (await connection).client, prefix: uniquePrefix(), clock })
    },
  })
  afterAll(async () => {
    await (await connection)?.close()
    connection = undefined
  })
}
