import { afterAll } from 'vitest'
import { createRedisStore } from '../../src/redis/index.js'
import { connectIoredisCluster, redisClusterNodes, type TestClient, uniquePrefix } from './redis-clients.js'
import type { StoreFixture } from './stores.js'

/**
 * A `redis cluster` store fixture for the suites that must also hold on a Cluster (the attacks),
 * or none when the run has no Cluster. Not registered for every suite: each costs Cluster round
 * trips. One connection per test file, closed after it.
 */
export function clusterFixtures(): StoreFixture[] {
  if (redisClusterNodes === undefined) return []
  let connection: Promise<TestClient> | undefined
  afterAll(async () => {
    await (await connection)?.close()
  })
  return [
    {
      name: 'redis cluster',
      async make(clock) {
        connection ??= connectIoredisCluster()
        return createRedisStore({ client: (await connection).client, prefix: uniquePrefix(), clock })
      },
    },
  ]
}
