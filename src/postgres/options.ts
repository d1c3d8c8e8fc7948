import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import type { SessionKitError } from '../errors.js'
import { type OptionSource, parseOptions } from '../options.js'
import type { StoreNames } from './names.js'
import type { PgPoolLike } from './pool.js'

/**
 * Options of `createPostgresStore`; every one is checked once, in the factory.
 *
 * @example
 * createPostgresStore({ pool, schema: 'sessionkit', table: 'records', sweepIntervalMs: 60_000 })
 */
export interface PostgresStoreOptions {
  /** Your `pg` `Pool` (or anything with its `query` and `connect`). The store never ends it. */
  readonly pool: PgPoolLike
  /**
   * Schema of the store's tables and functions; `migrate()` creates it. 1 to 40 of `a-z 0-9 _`, not
   * starting with a digit (never needs quoting). Default `'sessionkit'`.
   */
  readonly schema?: string
  /** Name of the records table; the other tables and functions start with it. Same rule as `schema`. Default `'records'`. */
  readonly table?: string
  /** Time source for expiry; pass the same clock to the facade. Default `systemClock`. */
  readonly clock?: Clock
  /** A call without an answer in this many ms (pool wait included) rejects with `STORE_UNAVAILABLE`. 1 to 600_000; default 2000. */
  readonly commandTimeoutMs?: number
  /** Largest JSON text of one value, list entry, map field or header fact, in bytes. 1 to 268_435_455 (PostgreSQL's jsonb limit); default 1_048_576. */
  readonly maxValueBytes?: number
  /** How often this store runs `sweep()` (one unref'd timer); `0`: never (call `sweep()` yourself). 0 to 2_147_483_647; default 60_000. */
  readonly sweepIntervalMs?: number
  /** Rows `sweep()` deletes per statement (of records, parts and tombstones each), so no statement runs long. 1 to 100_000; default 500. */
  readonly sweepBatchSize?: number
  /**
   * Rows stay this long after their expiry before the sweeper deletes them, so a process whose
   * clock runs behind never loses a record it still sees live. Reads never return them.
   * 0 to 86_400_000; default 60_000.
   */
  readonly expiryGraceMs?: number
  /** Receives failures of the interval sweeps (a `sweep()` you call rejects instead). Default: `process.emitWarning`. */
  readonly onSweepError?: (error: SessionKitError) => void
  /**
   * Bytes of value texts this process keeps (the last it read or wrote of each value part, newest
   * records first), so `mergeValue` (`preferences.patch`) merges on the client and the server only
   * compares the text it started from with the stored one; without a copy, or with a stale one, the
   * server merges. 0 (off) to 1_073_741_824; default 4_194_304 (4 MiB).
   */
  readonly valueCacheBytes?: number
  /**
   * A touch that would move a record's expiry later by less than this many ms writes nothing:
   * `touch`, `touchMeta` (`kit.get(id, { touch: true })`) and the expiry `mergeValue`
   * (`preferences.patch`) moves. A session read on every request is then written at most once per
   * step instead of on every read, and may expire up to this much earlier than its idle time
   * says (the expiry the store reports is the stored one). An earlier expiry is always written.
   * 0 (every touch writes) to 86_400_000; default 0.
   */
  readonly touchStepMs?: number
}

/** Options with every default filled in. */
export interface ResolvedPostgresOptions extends StoreNames {
  readonly pool: PgPoolLike
  readonly clock: Clock
  readonly commandTimeoutMs: number
  readonly maxValueBytes: number
  readonly sweepIntervalMs: number
  readonly sweepBatchSize: number
  readonly expiryGraceMs: number
  readonly onSweepError?: (error: SessionKitError) => void
  readonly valueCacheBytes: number
  readonly touchStepMs: number
}

/** The schema a store and `migrate()` use when none is given. */
export const DEFAULT_SCHEMA = 'sessionkit'
/** The records table a store and `migrate()` use when none is given. */
export const DEFAULT_TABLE = 'records'

const isFunction = (v: unknown): boolean => typeof v === 'function'
// Lower case, so a name never needs case-sensitive quoting; short enough that `<table>_expires_at`
// and the other derived names stay within PostgreSQL's 63 bytes.
const name = (fallback: string) =>
  z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,39}$/, 'must be 1 to 40 of a-z 0-9 _, not starting with a digit')
    .default(fallback)

const namesShape = { schema: name(DEFAULT_SCHEMA), table: name(DEFAULT_TABLE) }

const storeSchema = z.strictObject({
  ...namesShape,
  pool: z.custom<PgPoolLike>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      isFunction((v as PgPoolLike).query) &&
      isFunction((v as PgPoolLike).connect),
    'must be a pg Pool (an object with query() and connect())',
  ),
  clock: z
    .custom<Clock>(
      (v) => typeof v === 'object' && v !== null && isFunction((v as Clock).now),
      'must have a now() method returning epoch ms',
    )
    .default(systemClock),
  commandTimeoutMs: z.number().int().min(1).max(600_000).default(2000),
  maxValueBytes: z.number().int().min(1).max(268_435_455).default(1_048_576),
  sweepIntervalMs: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(60_000),
  sweepBatchSize: z.number().int().min(1).max(100_000).default(500),
  expiryGraceMs: z.number().int().min(0).max(86_400_000).default(60_000),
  onSweepError: z.custom<(error: SessionKitError) => void>(isFunction, 'must be a function').optional(),
  valueCacheBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .default(4_194_304),
  touchStepMs: z.number().int().min(0).max(86_400_000).default(0),
})

const namesSchema = z.strictObject(namesShape)

/** Checks the options of `createPostgresStore` and fills in defaults; throws `INVALID_CONFIG` naming the option. */
export function resolvePostgresOptions(options: PostgresStoreOptions): ResolvedPostgresOptions {
  return parseOptions(storeSchema, options, { what: 'createPostgresStore', code: 'INVALID_CONFIG' })
}

/**
 * Checks the `{ schema, table }` of `migrate()` or `postgresMigrations()` (`what`) the way the store
 * checks them, and fills in defaults.
 */
export function resolveStoreNames(options: unknown, what: string): StoreNames {
  const source: OptionSource = { what, code: 'INVALID_CONFIG' }
  return parseOptions(namesSchema, options, source)
}
