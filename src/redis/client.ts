import { invalidArgument } from '../errors.js'

/**
 * The two commands the Redis store sends: it runs every operation as one Lua script. Keys decide
 * the node on a Cluster (every key of one call is in one slot), so a Cluster client routes them.
 * Build one with `fromIoredis(client)` or `fromNodeRedis(client)`, or implement it for another client.
 *
 * @example
 * const store = createRedisStore({ client: fromIoredis(new Redis()) })
 */
export interface RedisScriptRunner {
  /** `EVALSHA sha numkeys ...keys ...args`; rejects with the server's `NOSCRIPT ...` error when not loaded. */
  evalsha(sha1: string, keys: readonly string[], args: readonly string[]): Promise<unknown>
  /** `EVAL script numkeys ...keys ...args` (also loads the script for later EVALSHA). */
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>
}

/**
 * What `createRedisStore` needs from a client: scripts by key, and one script runner per master
 * for `scan`/`count` (a standalone server is its own single master).
 *
 * @example
 * const client: RedisClientLike = fromNodeRedis(await createClient().connect())
 */
export interface RedisClientLike extends RedisScriptRunner {
  /** The masters to scan, each running scripts on that node only. Standalone: `[this]`. */
  masters(): Promise<readonly RedisScriptRunner[]>
  /**
   * `HGETALL key` as an object of field -> value (`{}` for a missing key). Optional: when present,
   * reads of a record's header alone (`meta`, and `touchMeta` under a touch step) send this one
   * plain command instead of a script, which costs Redis several times more. Both adapters provide it.
   */
  hgetall?(key: string): Promise<Readonly<Record<string, string>>>
  /**
   * `false` for one server, where one script may touch keys of any slot; `true` (or absent) for a
   * Cluster, where the keys of one script must share a slot.
   */
  readonly cluster?: boolean
  /**
   * Listens on every master, over connections of its own, for the keys Redis expires (keyspace
   * notifications, `__keyevent@*__:expired`), calling `onKey` with each key's name; resolves the
   * function that stops listening. Needed only for `createRedisStore({ expiryEvents: true })`;
   * `fromIoredis` and `fromNodeRedis` provide it.
   */
  subscribeExpired?(onKey: (key: string) => void): Promise<() => Promise<void>>
}

/**
 * The keyspace-notification channel pattern of expired keys, any database.
 *
 * @example
 * await subscriber.psubscribe(EXPIRED_CHANNELS)
 */
export const EXPIRED_CHANNELS = '__keyevent@*__:expired'

/**
 * Checks that `client` has the methods `fromIoredis`/`fromNodeRedis` call, so a wrong argument is
 * `INVALID_ARGUMENT` saying what to pass, not a TypeError on the first command.
 *
 * @example
 * assertClient(redis, 'fromIoredis', 'an ioredis Redis or Cluster', ['evalsha', 'eval'])
 */
export function assertClient(
  client: unknown,
  what: string,
  expected: string,
  methods: readonly string[],
): void {
  const ok =
    typeof client === 'object' &&
    client !== null &&
    methods.every((m) => typeof (client as Record<string, unknown>)[m] === 'function')
  if (!ok) throw invalidArgument(`${what} takes ${expected} (with ${methods.join(' and ')})`)
}
