import { describe, expect, it } from 'vitest'
import { createRedisStore } from '../../src/redis/index.js'
import { defineStoreSuite } from '../../src/testing/index.js'
import {
  connectIoredis,
  connectIoredisCluster,
  connectNodeRedis,
  connectNodeRedisCluster,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'

// The whole SessionStore contract, on a real redis-server and a real 3-master Cluster, through
// both clients. One client per suite; each check's store gets its own key prefix.
const targets: [string, boolean, () => Promise<TestClient>][] = [
  ['ioredis, standalone', redisPort !== undefined, connectIoredis],
  ['node-redis, standalone', redisPort !== undefined, connectNodeRedis],
  ['ioredis, 3-master Cluster', redisClusterNodes !== undefined, connectIoredisCluster],
  ['node-redis, 3-master Cluster', redisClusterNodes !== undefined, connectNodeRedisCluster],
]

for (const [title, available, connect] of targets) {
  describe.runIf(available)(`Redis store (${title})`, () => {
    const connection = useConnection(connect)
    defineStoreSuite(
      { describe, it, expect },
      ({ clock }) => createRedisStore({ client: connection.client, prefix: uniquePrefix(), clock }),
      { title: 'SessionStore conformance' },
    )
  })
}
