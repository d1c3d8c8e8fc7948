import { assertClient, EXPIRED_CHANNELS, type RedisClientLike, type RedisScriptRunner } from './client.js'

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
  /** `HGETALL`: a record's header read without a script. */
  hGetAll?(key: string): Promise<Record<string, string>>
  /** A new, unconnected client with the same options: a subscriber for expiry events. */
  duplicate?(): NodeRedisSubscriberLike
}

/**
 * A client of its own (`client.duplicate()`) that listens for expired keys.
 *
 * @example
 * const subscriber: NodeRedisSubscriberLike = client.duplicate()
 */
export interface NodeRedisSubscriberLike {
  connect(): Promise<unknown>
  pSubscribe(pattern: string, listener: (message: string, channel: string) => void): Promise<unknown>
  on(event: 'error', listener: (error: unknown) => void): unknown
  destroy(): void
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
  const hgetall = typeof client.hGetAll === 'function' ? client.hGetAll.bind(client) : undefined
  return {
    ...runner,
    ...(hgetall === undefined ? {} : { hgetall }),
    cluster: cluster !== undefined,
    async subscribeExpired(onKey) {
      const nodes =
        cluster === undefined
          ? [client]
          : await Promise.all(cluster.masters.map((n) => cluster.nodeClient(n)))
      const subscribers: NodeRedisSubscriberLike[] = []
      const stop = async () => {
        for (const subscriber of subscribers) subscriber.destroy()
      }
      try {
        for (const node of nodes) {
          if (node.duplicate === undefined) throw new TypeError('the node-redis client has no duplicate()')
          // node-redis ends the process on an unheard error; a lost connection loses the expiries
          // meanwhile (at most once) and reconnects by itself.
          const subscriber = node.duplicate().on('error', () => {}) as NodeRedisSubscriberLike
          subscribers.push(subscriber)
          await subscriber.connect()
          await subscriber.pSubscribe(EXPIRED_CHANNELS, (key) => onKey(key))
        }
      } catch (error) {
        await stop()
        throw error
      }
      return stop
    },
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
