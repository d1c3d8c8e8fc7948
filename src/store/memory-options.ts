import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import { invalidConfig } from '../errors.js'
import { firstOptionIssue } from '../options.js'
import type { WarningHandler } from '../warnings.js'
import type { RemovalEvent } from './contract.js'

/**
 * Where and how often the memory store saves itself, so records survive a restart.
 *
 * @example
 * createMemoryStore({ snapshot: { path: './sessions.snap', intervalMs: 30_000 } })
 */
export interface MemorySnapshotOptions {
  /** The snapshot file. Restored at start when it exists; written atomically (temp file + rename). */
  readonly path: string
  /** Save every this many ms (unref'd timer); `0`: only on `close()` and `snapshot()`. Default 60_000. */
  readonly intervalMs?: number
  /** Throw from the factory on a corrupt or unreadable file instead of starting empty. Default `false`. */
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
  /** Most records held; past it the least recently used is evicted (`reason: 'evicted'`). Default 100_000. */
  readonly maxSessions?: number
  /** Most estimated bytes held (JSON bytes of headers and parts plus a fixed overhead). Default: no byte limit. */
  readonly maxBytes?: number
  /** Largest JSON size of one value, list entry, map field or header field. Default 1_048_576 (1 MiB). */
  readonly maxValueBytes?: number
  /** How often the sweeper purges expired records (one unref'd timer); `0`: never (call `sweep()`). Default 1000. */
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
  readonly maxBytes: number | undefined
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

const isFunction = (v: unknown): boolean => typeof v === 'function'
const positiveInt = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
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
  maxSessions: positiveInt.max(2 ** 30).optional(),
  maxBytes: positiveInt.optional(),
  maxValueBytes: positiveInt.optional(),
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
  const parsed = schema.safeParse(options ?? {})
  if (!parsed.success) {
    const { path, message } = firstOptionIssue(parsed.error)
    throw invalidConfig(
      `createMemoryStore: option "${path}" is wrong: ${message}. See the memory-store options in the README.`,
      { option: path },
    )
  }
  const o = parsed.data
  return {
    clock: o.clock ?? systemClock,
    maxSessions: o.maxSessions ?? 100_000,
    maxBytes: o.maxBytes,
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
