import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import { invalidConfig, type SessionKitError } from '../errors.js'
import { firstOptionIssue } from '../options.js'
import { checkNames, type StoreNames } from './names.js'
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
  /** Schema of the store's tables and functions; `migrate()` creates it. Default `'sessionkit'`. */
  readonly schema?: string
  /** Name of the records table; the other tables and functions start with it. Default `'records'`. */
  readonly table?: string
  /** Time source for expiry; pass the same clock to the facade. Default `systemClock`. */
  readonly clock?: Clock
  /** A call without an answer in this many ms (pool wait included) rejects with `STORE_UNAVAILABLE`. Default 2000. */
  readonly commandTimeoutMs?: number
  /** Largest JSON text of one value, list entry, map field or header fact, in bytes. Default 1_048_576. */
  readonly maxValueBytes?: number
  /** How often this store runs `sweep()` (one unref'd timer); `0`: never (call `sweep()` yourself). Default 60_000. */
  readonly sweepIntervalMs?: number
  /** Rows `sweep()` deletes per statement (of records, parts and tombstones each), so no statement runs long. Default 500. */
  readonly sweepBatchSize?: number
  /**
   * Rows stay this long after their expiry before the sweeper deletes them, so a process whose
   * clock runs behind never loses a record it still sees live. Reads never return them. Default 60_000.
   */
  readonly expiryGraceMs?: number
  /** Receives failures of the interval sweeps (a `sweep()` you call rejects instead). Default: `process.emitWarning`. */
  readonly onSweepError?: (error: SessionKitError) => void
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
  readonly onSweepError: ((error: SessionKitError) => void) | undefined
}

const isFunction = (v: unknown): boolean => typeof v === 'function'
const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const nonNegativeInt = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31 - 1)

const schema = z.strictObject({
  pool: z.custom<PgPoolLike>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      isFunction((v as PgPoolLike).query) &&
      isFunction((v as PgPoolLike).connect),
    { error: 'must be a pg Pool (an object with query() and connect())' },
  ),
  schema: z.string().optional(),
  table: z.string().optional(),
  clock: z
    .custom<Clock>((v) => typeof v === 'object' && v !== null && isFunction((v as Clock).now), {
      error: 'must be an object with a now() method',
    })
    .optional(),
  commandTimeoutMs: positiveInt.max(2 ** 31 - 1).optional(),
  maxValueBytes: positiveInt.optional(),
  sweepIntervalMs: nonNegativeInt.optional(),
  sweepBatchSize: positiveInt.max(100_000).optional(),
  expiryGraceMs: nonNegativeInt.optional(),
  onSweepError: z
    .custom<(error: SessionKitError) => void>(isFunction, { error: 'must be a function' })
    .optional(),
})

/** Checks the options of `createPostgresStore` and fills in defaults; throws `INVALID_CONFIG` naming the option. */
export function resolvePostgresOptions(options: PostgresStoreOptions): ResolvedPostgresOptions {
  const parsed = schema.safeParse(options)
  if (!parsed.success) {
    const { path, message } = firstOptionIssue(parsed.error)
    throw invalidConfig(
      `createPostgresStore: option "${path}" is wrong: ${message}. See docs/postgres.md for the options.`,
      { option: path },
    )
  }
  const o = parsed.data
  return {
    ...checkNames(o.schema ?? DEFAULT_SCHEMA, o.table ?? DEFAULT_TABLE, 'createPostgresStore'),
    pool: o.pool,
    clock: o.clock ?? systemClock,
    commandTimeoutMs: o.commandTimeoutMs ?? 2000,
    maxValueBytes: o.maxValueBytes ?? 1_048_576,
    sweepIntervalMs: o.sweepIntervalMs ?? 60_000,
    sweepBatchSize: o.sweepBatchSize ?? 500,
    expiryGraceMs: o.expiryGraceMs ?? 60_000,
    onSweepError: o.onSweepError,
  }
}

/** The schema a store and `migrate()` use when none is given. */
export const DEFAULT_SCHEMA = 'sessionkit'
/** The records table a store and `migrate()` use when none is given. */
export const DEFAULT_TABLE = 'records'
