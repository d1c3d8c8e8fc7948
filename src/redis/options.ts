import { type Clock, systemClock } from '../clock.js'
import { invalidConfig } from '../errors.js'
import type { RedisClientLike } from './client.js'

/**
 * Options of `createRedisStore`.
 *
 * @example
 * createRedisStore({ client: fromIoredis(redis), prefix: 'shop', commandTimeoutMs: 1000 })
 */
export interface RedisStoreOptions {
  /** The client, through `fromIoredis(...)` or `fromNodeRedis(...)`. The store never closes it. */
  readonly client: RedisClientLike
  /**
   * Start of every key: a record lives at `{<prefix>:<id>}`. 1 to 64 of `A-Z a-z 0-9 _ - . @ /`
   * (no `:`, so one store's keys never match another's scan). Default `'sk'`.
   */
  readonly prefix?: string
  /** Time source for expiry; pass the same clock to the facade. Default `systemClock`. */
  readonly clock?: Clock
  /** A call that gets no answer in this many ms rejects with `STORE_UNAVAILABLE`. Default 2000. */
  readonly commandTimeoutMs?: number
  /**
   * Keys stay in Redis this long after their logical expiry, so a clock that runs behind Redis's
   * (or a manual clock in tests) never loses a live record. Reads check the logical expiry, so this
   * only costs memory. Default 60_000.
   */
  readonly expiryGraceMs?: number
  /** Largest JSON text of one value, list entry, map field or header fact, in bytes. Default 1_048_576. */
  readonly maxValueBytes?: number
  /** Keys asked for per SCAN step in `scan`/`count`. Default 500. */
  readonly scanCount?: number
  /**
   * Bytes of value texts this process keeps (the last it read or wrote of each value part, newest
   * records first), so `mergeValue` (`preferences.patch`) merges on the client and the server only
   * checks the text it started from is still stored; without a copy, or with a stale one, the
   * server merges. `0` turns it off. Default 4_194_304 (4 MiB).
   */
  readonly valueCacheBytes?: number
  /**
   * Report Redis's expiries as `expired` events (`store.subscribe`, `kit.on('expired')`) from
   * keyspace notifications, which the server must have on (`notify-keyspace-events Ex`). At most
   * once, late by `expiryGraceMs` or more, every process that listens hears every expiry; one
   * connection per master. The client must offer `subscribeExpired` (both adapters do). Default `false`.
   */
  readonly expiryEvents?: boolean
}

/** Options with every default filled in. */
export interface ResolvedRedisOptions {
  readonly client: RedisClientLike
  readonly prefix: string
  readonly clock: Clock
  readonly commandTimeoutMs: number
  readonly expiryGraceMs: number
  readonly maxValueBytes: number
  readonly scanCount: number
  readonly valueCacheBytes: number
  readonly expiryEvents: boolean
}

const prefixPattern = /^[A-Za-z0-9_\-.@/]{1,64}$/

/** Checks the options once, in the factory; errors name the option. */
export function resolveRedisOptions(options: RedisStoreOptions): ResolvedRedisOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidConfig('createRedisStore needs options: { client: fromIoredis(redis) }')
  }
  const client = options.client
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.evalsha !== 'function' ||
    typeof client.eval !== 'function' ||
    typeof client.masters !== 'function'
  ) {
    throw invalidConfig(
      'client must be wrapped: createRedisStore({ client: fromIoredis(redis) }) or fromNodeRedis(client)',
      { option: 'client' },
    )
  }
  const prefix = options.prefix ?? 'sk'
  if (typeof prefix !== 'string' || !prefixPattern.test(prefix)) {
    throw invalidConfig('prefix must be 1 to 64 of A-Z a-z 0-9 _ - . @ / (no ":")', { option: 'prefix' })
  }
  const clock = options.clock ?? systemClock
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw invalidConfig('clock must have a now() method returning epoch ms', { option: 'clock' })
  }
  const expiryEvents = options.expiryEvents ?? false
  if (typeof expiryEvents !== 'boolean') {
    throw invalidConfig('expiryEvents must be true or false', { option: 'expiryEvents' })
  }
  if (expiryEvents && typeof client.subscribeExpired !== 'function') {
    throw invalidConfig(
      'expiryEvents needs a client that can subscribe (subscribeExpired): wrap it with fromIoredis or fromNodeRedis',
      { option: 'expiryEvents' },
    )
  }
  return {
    client,
    expiryEvents,
    prefix,
    clock,
    commandTimeoutMs: integer(options.commandTimeoutMs, 2000, 1, 'commandTimeoutMs'),
    expiryGraceMs: integer(options.expiryGraceMs, 60_000, 0, 'expiryGraceMs'),
    maxValueBytes: integer(options.maxValueBytes, 1_048_576, 1, 'maxValueBytes'),
    scanCount: integer(options.scanCount, 500, 1, 'scanCount'),
    valueCacheBytes: integer(options.valueCacheBytes, 4_194_304, 0, 'valueCacheBytes'),
  }
}

function integer(value: unknown, fallback: number, min: number, option: string): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw invalidConfig(`${option} must be an integer of at least ${min}; got ${String(value)}`, { option })
  }
  return value as number
}
