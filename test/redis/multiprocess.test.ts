import { describe } from 'vitest'
import { createRedisStore } from '../../src/redis/index.js'
import { multiprocessChecks } from '../helpers/multiprocess.js'
import { connectIoredis, redisPort, uniquePrefix, useConnection } from '../helpers/redis-clients.js'

describe.runIf(redisPort !== undefined)('four processes on one Redis session', () => {
  const connection = useConnection(connectIoredis)
  const prefix = uniquePrefix()
  multiprocessChecks(
    () => createRedisStore({ client: connection.client, prefix }),
    () => ['redis', String(redisPort), prefix],
  )
})
