/**
 * `sessionkit/redis`: the session store on Redis and Redis Cluster.
 *
 * @example
 * import { createRedisStore, fromIoredis } from 'sessionkit/redis'
 * const store = createRedisStore({ client: fromIoredis(new Redis()) })
 */
export type { RedisClientLike, RedisScriptRunner } from './client.js'
export { type RedisDetectionIndexOptions, redisDetectionIndex } from './detection/detection-index.js'
export {
  fromIoredis,
  type IoredisClusterLike,
  type IoredisLike,
  type IoredisSubscriberLike,
} from './ioredis.js'
export {
  fromNodeRedis,
  type NodeRedisClusterLike,
  type NodeRedisLike,
  type NodeRedisSubscriberLike,
} from './node-redis.js'
export type { RedisStoreOptions } from './options.js'
export { createRedisStore, type RedisStore } from './store.js'
