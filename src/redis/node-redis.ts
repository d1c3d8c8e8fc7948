import { assertClient, type RedisClientLike, type RedisScriptRunner } from './client.js'

interface ScriptOptions {
  keys: string[]
  arguments: string[]
}

/**
 * The part of a node-redis client (`createClient()`) the store uses (structural: never imported).
 *
 * @example
 * const client: NodeRedisLike = await createClient({ url }).connect()
 */
export interface NodeRedisLike {
  evalSha(sha1: string, options: ScriptOptions): Promise<unknown>
  eval(script: string, options: ScriptOptions): Promise<unknown>
}

/**
 * A node-redis cluster (`createCluster()`): also its masters and a client per node.
 *
 * @example
 * const cluster: NodeRedisClusterLike = await createCluster({ rootNodes }).connect()
 */
export interface NodeRedisClusterLike<Node = unknown> extends NodeRedisLike {
  readonly masters: readonly Node[]
  nodeClient(node: Node): Promise<NodeRedisLike>
}

/**
 * Adapts a connected node-redis client or cluster for `createRedisStore`. The store never closes
 * it: call `client.close()` yourself after `store.close()`.
 *
 * @example
 * const store = createRedisStore({ client: fromNodeRedis(await createClient({ url }).connect()) })
 */
export function fromNodeRedis<Node>(client: NodeRedisLike | NodeRedisClusterLike<Node>): RedisClientLike {
  assertClient(client, 'fromNodeRedis', 'a connected node-redis client or cluster', ['evalSha', 'eval'])
  const runner = toRunner(client)
  const cluster = 'nodeClient' in client && typeof client.nodeClient === 'function' ? client : undefined
  return {
    ...runner,
    cluster: cluster !== undefined,
    async masters() {
      if (cluster === undefined) return [runner]
      const clients = await Promise.all(cluster.masters.map((node) => cluster.nodeClient(node)))
      return clients.map(toRunner)
    },
  }
}

function toRunner(client: NodeRedisLike): RedisScriptRunner {
  return {
    evalsha: (sha1, keys, args) => client.evalSha(sha1, { keys: [...keys], arguments: [...args] }),
    eval: (script, keys, args) => client.eval(script, { keys: [...keys], arguments: [...args] }),
  }
}
