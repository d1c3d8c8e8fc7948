import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import { type OptionSource, optionError, parseOptions } from '../options.js'
import type { WarningHandler } from '../warnings.js'
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
  /** A call that gets no answer in this many ms rejects with `STORE_UNAVAILABLE`. 1 to 600_000; default 2000. */
  readonly commandTimeoutMs?: number
  /**
   * Keys stay in Redis this long after their logical expiry, so a clock that runs behind Redis's
   * (or a manual clock in tests) never loses a live record. Reads check the logical expiry, so this
   * only costs memory. 0 to 86_400_000; default 60_000.
   */
  readonly expiryGraceMs?: number
  /** Largest JSON text of one value, list entry, map field or header fact, in bytes. 1 to 536_870_912 (Redis's string limit); default 1_048_576. */
  readonly maxValueBytes?: number
  /** Keys asked for per SCAN step in `scan`/`count`. 1 to 100_000; default 500. */
  readonly scanCount?: number
  /**
   * Bytes of value texts this process keeps (the last it read or wrote of each value part, newest
   * records first), so `mergeValue` (`preferences.patch`) merges on the client and the server only
   * checks the text it started from is still stored; without a copy, or with a stale one, the
   * server merges. 0 (off) to 1_073_741_824; default 4_194_304 (4 MiB).
   */
  readonly valueCacheBytes?: number
  /**
   * A touch that would move a record's expiry later by less than this many ms writes nothing:
   * `touch`, `touchMeta` (`kit.get(id, { touch: true })`, then a plain header read) and the expiry
   * `mergeValue` (`preferences.patch`) moves. A session read on every request is then written at
   * most once per step, and may expire up to this much earlier than its idle time says (the
   * expiry the store reports is the stored one). An earlier expiry is always written; other
   * writes move the expiry they are given exactly (in the write they make anyway). 0 (every touch
   * writes) to 86_400_000; default 0.
   */
  readonly touchStepMs?: number
  /**
   * Report Redis's expiries as `expired` events (`store.subscribe`, `kit.on('expired')`) from
   * keyspace notifications, which the server must have on (`notify-keyspace-events Ex`). At most
   * once, late by `expiryGraceMs` or more, every process that listens hears every expiry; one
   * connection per master. The client must offer `subscribeExpired` (both adapters do). Default `false`.
   */
  readonly expiryEvents?: boolean
  /**
   * Receives the store's warnings: `SESSIONKIT_LISTENER_FAILED` (a `subscribe` listener threw) and
   * `SESSIONKIT_EXPIRY_EVENTS_FAILED` (listening for expiries failed). Default `process.emitWarning`.
   */
  readonly onWarning?: WarningHandler
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
  readonly touchStepMs: number
  readonly expiryEvents: boolean
  readonly onWarning?: WarningHandler | undefined
}

const prefixPattern = /^[A-Za-z0-9_\-.@/]{1,64}$/
const source: OptionSource = { what: 'createRedisStore', code: 'INVALID_CONFIG' }

const schema = z.strictObject({
  client: z.custom<RedisClientLike>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as RedisClientLike).evalsha === 'function' &&
      typeof (v as RedisClientLike).eval === 'function' &&
      typeof (v as RedisClientLike).masters === 'function',
    'must be wrapped: createRedisStore({ client: fromIoredis(redis) }) or fromNodeRedis(client)',
  ),
  prefix: z.string().regex(prefixPattern, 'must be 1 to 64 of A-Z a-z 0-9 _ - . @ / (no ":")').default('sk'),
  clock: z
    .custom<Clock>(
      (v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function',
      'must have a now() method returning epoch ms',
    )
    .default(systemClock),
  commandTimeoutMs: z.number().int().min(1).max(600_000).default(2000),
  expiryGraceMs: z.number().int().min(0).max(86_400_000).default(60_000),
  maxValueBytes: z
    .number()
    .int()
    .min(1)
    .max(512 * 1024 * 1024)
    .default(1_048_576),
  scanCount: z.number().int().min(1).max(100_000).default(500),
  valueCacheBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .default(4_194_304),
  touchStepMs: z.number().int().min(0).max(86_400_000).default(0),
  expiryEvents: z.boolean().default(false),
  onWarning: z
    .custom<WarningHandler>((v) => typeof v === 'function', { error: 'must be a function' })
    .optional(),
})

/** Checks the options once, in the factory; errors name the option. */
export function resolveRedisOptions(options: RedisStoreOptions): ResolvedRedisOptions {
  const resolved = parseOptions(schema, options, source)
  if (resolved.expiryEvents && typeof resolved.client.subscribeExpired !== 'function') {
    throw optionError(
      source,
      'expiryEvents',
      'needs a client that can subscribe (subscribeExpired): wrap it with fromIoredis or fromNodeRedis',
    )
  }
  return resolved
}
