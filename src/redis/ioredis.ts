import { assertClient, EXPIRED_CHANNELS, type RedisClientLike, type RedisScriptRunner } from './client.js'

/**
 * The part of an ioredis `Redis` or `Cluster` the store uses (structural: sessionkit never imports
 * ioredis).
 *
 * @example
 * const client: IoredisLike = new Redis()
 */
export interface IoredisLike {
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>
  eval(script: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>
  /** `HGETALL`: a record's header read without a script. */
  hgetall?(key: string): Promise<Record<string, string>>
  /** A new connection with the same options: a subscriber for expiry events. */
  duplicate?(): IoredisSubscriberLike
}

/**
 * A connection of its own (`redis.duplicate()`) that listens for expired keys.
 *
 * @example
 * const subscriber: IoredisSubscriberLike = new Redis().duplicate()
 */
export interface IoredisSubscriberLike {
  psubscribe(pattern: string): Promise<unknown>
  on(event: 'pmessage', listener: (pattern: string, channel: string, message: string) => void): unknown
  on(event: 'error', listener: (error: unknown) => void): unknown
  disconnect(): void
}

/**
 * An ioredis `Cluster`: also lists its nodes by role (each master is scanned on its own).
 *
 * @example
 * const cluster: IoredisClusterLike = new Cluster([{ host: '127.0.0.1', port: 7000 }])
 */
export interface IoredisClusterLike extends IoredisLike {
  nodes(role: 'master'): IoredisLike[]
  /** `'ready'` once the slot map is known; before that `nodes()` is empty. */
  readonly status?: string
  once?(event: 'ready', listener: () => void): unknown
}

/**
 * Adapts an ioredis client (`new Redis(...)` or `new Cluster(...)`) for `createRedisStore`. The
 * store never closes it: call `client.quit()` yourself after `store.close()`.
 *
 * @example
 * const store = createRedisStore({ client: fromIoredis(new Redis(process.env.REDIS_URL)) })
 */
export function fromIoredis(client: IoredisLike | IoredisClusterLike): RedisClientLike {
  assertClient(client, 'fromIoredis', 'an ioredis Redis or Cluster', ['evalsha', 'eval'])
  const runner = toRunner(client)
  const cluster = 'nodes' in client && typeof client.nodes === 'function' ? client : undefined
  const hgetall = typeof client.hgetall === 'function' ? client.hgetall.bind(client) : undefined
  return {
    ...runner,
    ...(hgetall === undefined ? {} : { hgetall }),
    cluster: cluster !== undefined,
    async subscribeExpired(onKey) {
      const nodes = cluster === undefined ? [client] : cluster.nodes('master')
      const subscribers: IoredisSubscriberLike[] = []
      const stop = async () => {
        for (const subscriber of subscribers) subscriber.disconnect()
      }
      try {
        for (const node of nodes) {
          if (node.duplicate === undefined) throw new TypeError('the ioredis client has no duplicate()')
          const subscriber = node.duplicate()
          subscribers.push(subscriber)
          // Reconnects by itself; a lost connection loses the expiries meanwhile (at most once).
          subscriber.on('error', () => {})
          subscriber.on('pmessage', (_pattern, _channel, key) => onKey(key))
          await subscriber.psubscribe(EXPIRED_CHANNELS)
        }
      } catch (error) {
        await stop()
        throw error
      }
      return stop
    },
    async masters() {
      if (cluster === undefined) return [runner]
      // A Cluster learns its masters when it connects; a scan right after `new Cluster()` waits
      // for that (the store's commandTimeoutMs bounds the wait).
      if (cluster.status !== 'ready' && cluster.nodes('master').length === 0 && cluster.once !== undefined) {
        await new Promise<void>((resolve) => cluster.once?.('ready', resolve))
      }
      return cluster.nodes('master').map(toRunner)
    },
  }
}

function toRunner(client: IoredisLike): RedisScriptRunner {
  return {
    evalsha: (sha1, keys, args) => client.evalsha(sha1, keys.length, ...keys, ...args),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
  }
}
