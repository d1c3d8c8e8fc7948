import { describe } from 'vitest'
import { createRedisStore } from '../../src/redis/index.js'
import { differentialCheck } from '../helpers/differential.js'
import { connectIoredis, redisPort, uniquePrefix, useConnection } from '../helpers/redis-clients.js'

describe.runIf(redisPort !== undefined)('Redis store answers exactly like the memory store', () => {
  const connection = useConnection(connectIoredis)
  differentialCheck((clock) => createRedisStore({ client: connection.client, prefix: uniquePrefix(), clock }))
})
