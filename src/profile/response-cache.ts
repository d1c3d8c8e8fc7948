import { createHash } from 'node:crypto'
import { invalidArgument, isSessionKitError } from '../errors.js'
import { recordLabel } from '../ids.js'
import { checkCallOptions } from '../options.js'
import type { SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import { checkJson } from '../util/json.js'
import { type KeyedQueue, queuePart } from '../util/keyed-queue.js'
import { type CasPolicy, LOST_RACE, retryOnConflict } from './cas.js'

/** Options of the response cache (kit option `cache`). */
export interface ResponseCacheOptions {
  /** Most entries per session; past it expired entries go first, then the oldest. Default 100. */
  readonly maxEntries: number
  /** How long an entry is served. Default 10 minutes. */
  readonly ttlMs: number
  /** Largest entry, as JSON. Default 64 KiB. */
  readonly maxBytes: number
}

/** What `getOrSet` resolves: the value, and whether it came from the cache. */
export interface CachedResult<T> {
  readonly value: T
  readonly cached: boolean
}

/**
 * A small per-session cache of expensive answers (a model's reply to a question already asked
 * in this session, documents fetched for a follow-up). Bounded, expiring, and gone with the
 * session.
 *
 * @example
 * const { value } = await s.cache.getOrSet(question.toLowerCase(), () => callModel(question))
 */
export interface ResponseCache {
  /** The cached value, or `undefined` when absent or expired. One store call. */
  get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>
  /** Stores `value` under `key` for `ttlMs` (default: the kit's `cache.ttlMs`). */
  set(key: string, value: JsonValue, options?: { readonly ttlMs?: number }): Promise<void>
  /**
   * The cached value, or `compute()`'s, stored on the way. Concurrent calls for one key in this
   * process compute once; a `compute` that throws stores nothing.
   */
  getOrSet<T extends JsonValue>(
    key: string,
    compute: () => T | Promise<T>,
    options?: { readonly ttlMs?: number },
  ): Promise<CachedResult<T>>
  /** Removes one entry; `false` when it was not there. */
  delete(key: string): Promise<boolean>
  /** Removes every entry. */
  clear(): Promise<void>
}

interface Entry {
  /** The value. */
  readonly v: JsonValue
  /** Served until (epoch ms). */
  readonly e: number
  /** Stored at (epoch ms): the oldest go first when the cache is full. */
  readonly t: number
  /**
   * Order of writes within one ms (this process's count): entries stored in the same ms go in the
   * order they were written, whatever order a store lists a map's fields in. Absent on old entries.
   */
  readonly s?: number
}

// Counts cache writes in this process: the tie-break of `Entry.s`.
let writeCount = 0

/** Oldest first: by the time stored, then by the order of writes within that ms. */
function byAge(a: Entry, b: Entry): number {
  return a.t - b.t || (a.s ?? 0) - (b.s ?? 0)
}

const PART = 'cache'

/**
 * Keys may be long (a whole question): they are stored as a digest, so any string works. The
 * digest reads the key's UTF-16 code units, not its UTF-8, where every lone surrogate would read
 * as U+FFFD and two keys would share an entry.
 */
function fieldOf(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 65_536) {
    throw invalidArgument('a cache key must be a string of 1 to 65,536 characters')
  }
  return createHash('sha256').update(key, 'utf16le').digest('base64url')
}

/** Builds the response cache of one session (cheap: no parsing). */
export function createResponseCache(
  scope: SessionScope,
  options: ResponseCacheOptions,
  queue: KeyedQueue,
  cas: CasPolicy,
): ResponseCache {
  const { store, sessionId, clock } = scope
  // Every write of the cache goes through one queue: a write to a full cache is a compare-and-set,
  // and a plain write running beside it would make it lose its race again and again.
  const lock = <T>(task: () => Promise<T>) => queuePart(scope, queue, PART, task)

  async function read(field: string): Promise<Entry | undefined> {
    const { entries } = await store.getMap<Entry>(sessionId, PART, [field])
    const entry = entries[field]
    return entry !== undefined && entry.e > clock.now() ? entry : undefined
  }

  async function write(field: string, value: JsonValue, ttlMs: number): Promise<void> {
    checkJson(value, { maxBytes: options.maxBytes }, 'cached value')
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0)
      throw invalidArgument('cache ttlMs must be a positive integer')
    await lock(() => writeNow(field, value, ttlMs))
  }

  async function writeNow(field: string, value: JsonValue, ttlMs: number): Promise<void> {
    const now = clock.now()
    const entry: Entry = { v: value, e: now + ttlMs, t: now, s: ++writeCount }
    const set = { [field]: entry as unknown as JsonValue }
    const limits = { maxFields: options.maxEntries, expiresAt: scope.activityExpiresAt() }
    try {
      await store.updateMap(sessionId, PART, { set }, limits)
      return
    } catch (error) {
      if (!isSessionKitError(error, 'LIMIT_EXCEEDED')) throw error
    }
    // Full: drop expired entries, then the oldest, and write the entry in one compare-and-set
    // update, again when another writer changed the cache in between.
    await retryOnConflict(cas, `response cache of session ${recordLabel(sessionId)}`, async () => {
      const { entries, version } = await store.getMap<Entry>(sessionId, PART)
      const fields = Object.keys(entries).filter((f) => f !== field)
      const expired = fields.filter((f) => (entries[f] as Entry).e <= now)
      const live = fields
        .filter((f) => (entries[f] as Entry).e > now)
        .sort((a, b) => byAge(entries[a] as Entry, entries[b] as Entry))
      const excess = fields.length + 1 - options.maxEntries - expired.length
      const drop = [...expired, ...live.slice(0, Math.max(0, excess))]
      const result = await store.updateMap(
        sessionId,
        PART,
        { delete: drop, set },
        { ...limits, ifVersion: version },
      )
      return result.ok ? undefined : LOST_RACE
    })
  }

  return {
    async get<T extends JsonValue>(key: string) {
      return (await read(fieldOf(key)))?.v as T | undefined
    },
    async set(key, value, opts) {
      checkCallOptions(opts, ['ttlMs'], 'cache.set()')
      await write(fieldOf(key), value, opts?.ttlMs ?? options.ttlMs)
    },
    async getOrSet<T extends JsonValue>(
      key: string,
      compute: () => T | Promise<T>,
      opts?: { readonly ttlMs?: number },
    ) {
      const field = fieldOf(key)
      checkCallOptions(opts, ['ttlMs'], 'cache.getOrSet()')
      if (typeof compute !== 'function') throw invalidArgument('cache.getOrSet needs a compute function')
      return queuePart(scope, queue, `${PART}\u0000${field}`, async () => {
        const hit = await read(field)
        if (hit !== undefined) return { value: hit.v as T, cached: true }
        const value = await compute()
        await write(field, value, opts?.ttlMs ?? options.ttlMs)
        return { value, cached: false }
      })
    },
    async delete(key) {
      const field = fieldOf(key)
      return lock(async () => {
        if ((await store.getMap(sessionId, PART, [field])).entries[field] === undefined) return false
        await store.updateMap(sessionId, PART, { delete: [field] }, { expiresAt: scope.activityExpiresAt() })
        return true
      })
    },
    async clear() {
      await lock(() => store.deletePart(sessionId, PART, { expiresAt: scope.activityExpiresAt() }))
    },
  }
}
