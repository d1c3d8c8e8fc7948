import { getHeapStatistics } from 'node:v8'
import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import { parseOptions } from '../options.js'
import type { WarningHandler } from '../warnings.js'
import type { RemovalEvent } from './contract.js'

/**
 * Where and how often the memory store saves itself, so records survive a restart.
 *
 * @example
 * createMemoryStore({ snapshot: { path: './sessions.snap', intervalMs: 30_000 } })
 */
export interface MemorySnapshotOptions {
  /**
   * The snapshot file. Restored at start when it exists (read a line at a time: no size limit);
   * written in chunks to a temp file that replaces it (fsync, rename). Temp files left by a killed
   * save are removed at start.
   */
  readonly path: string
  /** Save every this many ms (unref'd timer); `0`: only on `close()` and `snapshot()`. 0 to 2^31 - 1; default 60_000. */
  readonly intervalMs?: number
  /**
   * Throw from the factory when the file cannot be read (damaged, truncated, a newer layout
   * version) instead of starting empty. Either way the file is left as it is. Default `false`.
   * Without `strict`, such a file, a restore that kept fewer records than the file held and a
   * failed interval save are `SESSIONKIT_SNAPSHOT_FAILED` warnings (the store's `onWarning`); the
   * store starts empty and refuses to save over the unread file until it is moved away or
   * `snapshot({ overwrite: true })` is called.
   */
  readonly strict?: boolean
}

/**
 * Options of {@link createMemoryStore}; every one is checked once, in the factory.
 *
 * @example
 * createMemoryStore({ maxSessions: 50_000, maxBytes: 256 * 1024 * 1024, onRemove: (e) => log(e) })
 */
export interface MemoryStoreOptions {
  /** Time source for expiry. Default `systemClock`. */
  readonly clock?: Clock
  /**
   * Most session records held (ids without `:`); past it the least recently used is evicted
   * (`reason: 'evicted'`, `limit: 'maxSessions'`). 1 to 10_000_000; default 100_000.
   */
  readonly maxSessions?: number
  /**
   * Most scope records held (ids with `:`, such as the kit's `user:<id>`), capped apart from
   * sessions so they never take a session's place. 1 to 10_000_000; default `maxSessions`.
   */
  readonly maxScopes?: number
  /**
   * Most estimated heap bytes held (JSON text plus what its objects and strings cost; see the
   * size estimate in docs/stores.md); past it the least recently used records are evicted
   * (`limit: 'maxBytes'`). 1024 to 2^53 - 1; default a quarter of the V8 heap limit.
   */
  readonly maxBytes?: number
  /** Largest JSON size of one value, list entry, map field or header field. 1 to 67_108_864; default 1_048_576 (1 MiB). */
  readonly maxValueBytes?: number
  /** How often the sweeper purges expired records (one unref'd timer); `0`: never (call `sweep()`). 0 to 2^31 - 1; default 1000. */
  readonly sweepIntervalMs?: number
  /** Called for every expiry and eviction, like a `subscribe()` listener. */
  readonly onRemove?: (event: RemovalEvent) => void
  /** Save to and restore from a file. Default: none (records live only in this process). */
  readonly snapshot?: MemorySnapshotOptions
  /**
   * Receives the store's warnings: `SESSIONKIT_SNAPSHOT_FAILED` (a corrupt file at start, which is
   * moved aside to `<path>.corrupt-<time>` while the store starts empty; a failed interval save,
   * with the `SessionKitError` as `cause`) and `SESSIONKIT_LISTENER_FAILED` (a removal listener
   * threw). Default: `process.emitWarning` with the code.
   */
  readonly onWarning?: WarningHandler
}

/** Options with every default filled in. */
export interface ResolvedMemoryOptions {
  readonly clock: Clock
  readonly maxSessions: number
  readonly maxScopes: number
  readonly maxBytes: number
  readonly maxValueBytes: number
  readonly sweepIntervalMs: number
  readonly onRemove: ((event: RemovalEvent) => void) | undefined
  readonly onWarning: WarningHandler | undefined
  readonly snapshot:
    | {
        readonly path: string
        readonly intervalMs: number
        readonly strict: boolean
      }
    | undefined
}

/** Largest `maxSessions` and `maxScopes`: the LRU reserves about 24 bytes per slot up front. */
export const MAX_RECORDS = 10_000_000
/** Smallest `maxBytes`. */
export const MIN_BYTES = 1024
/** Largest `maxValueBytes`. */
export const MAX_VALUE_BYTES = 64 * 1024 * 1024
/** Share of the V8 heap limit the default `maxBytes` takes: the rest is for the service itself. */
export const DEFAULT_HEAP_SHARE = 0.25

/** The default `maxBytes`: a quarter of this process's heap limit (`--max-old-space-size`). */
export function defaultMaxBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit * DEFAULT_HEAP_SHARE)
}

const isFunction = (v: unknown): boolean => typeof v === 'function'
const records = z.number().int().min(1).max(MAX_RECORDS)
const nonNegativeInt = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31 - 1)

const schema = z.strictObject({
  clock: z
    .custom<Clock>((v) => typeof v === 'object' && v !== null && isFunction((v as Clock).now), {
      error: 'must be an object with a now() method',
    })
    .optional(),
  maxSessions: records.optional(),
  maxScopes: records.optional(),
  maxBytes: z.number().int().min(MIN_BYTES).max(Number.MAX_SAFE_INTEGER).optional(),
  maxValueBytes: z.number().int().min(1).max(MAX_VALUE_BYTES).optional(),
  sweepIntervalMs: nonNegativeInt.optional(),
  onRemove: z.custom<(event: RemovalEvent) => void>(isFunction, { error: 'must be a function' }).optional(),
  snapshot: z
    .strictObject({
      path: z.string().min(1),
      intervalMs: nonNegativeInt.optional(),
      strict: z.boolean().optional(),
    })
    .optional(),
  onWarning: z.custom<WarningHandler>(isFunction, { error: 'must be a function' }).optional(),
})

/** Checks the options of `createMemoryStore` and fills in defaults; throws `INVALID_CONFIG` naming the option. */
export function resolveMemoryOptions(options: MemoryStoreOptions | undefined): ResolvedMemoryOptions {
  const o = parseOptions(schema, options ?? {}, { what: 'createMemoryStore', code: 'INVALID_CONFIG' })
  const maxSessions = o.maxSessions ?? 100_000
  return {
    clock: o.clock ?? systemClock,
    maxSessions,
    maxScopes: o.maxScopes ?? maxSessions,
    maxBytes: o.maxBytes ?? defaultMaxBytes(),
    maxValueBytes: o.maxValueBytes ?? 1_048_576,
    sweepIntervalMs: o.sweepIntervalMs ?? 1000,
    onRemove: o.onRemove,
    onWarning: o.onWarning,
    snapshot:
      o.snapshot === undefined
        ? undefined
        : {
            path: o.snapshot.path,
            intervalMs: o.snapshot.intervalMs ?? 60_000,
            strict: o.snapshot.strict ?? false,
          },
  }
}
