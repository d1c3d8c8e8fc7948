import type { RedisClientLike, RedisScriptRunner } from './client.js'

/**
 * The part of an ioredis `Redis` or `Cluster` the store uses (structural: sessionkit never imports
 * ioredis).
 */
export interface IoredisLike {
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>
  eval(script: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>
}

/** An ioredis `Cluster`: also lists its nodes by role. */
export interface IoredisClusterLike extends IoredisLike {
  nodes(role: 'master'): IoredisLike[]
}

/**
 * Adapts an ioredis client (`new Redis(...)` or `new Cluster(...)`) for `createRedisStore`. The
 * store never closes it: call `client.quit()` yourself after `store.close()`.
 *
 * @example
 * const store = createRedisStore({ client: fromIoredis(new Redis(process.env.REDIS_URL)) })
 */
export function fromIoredis(client: IoredisLike | IoredisClusterLike): RedisClientLike {
  const runner = toRunner(client)
  const cluster = 'nodes' in client && typeof client.nodes === 'function' ? client : undefined
  return {
    ...runner,
    async masters() {
      return cluster === undefined ? [runner] : cluster.nodes('master').map(toRunner)
    },
  }
}

function toRunner(client: IoredisLike): RedisScriptRunner {
  return {
    evalsha: (sha1, keys, args) => client.evalsha(sha1, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  }
}
