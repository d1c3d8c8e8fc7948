import type { Clock } from '../clock.js'
import type { DetectionIndex } from '../detect/shared-index.js'
import type { RateLimitBackend } from './rate-limit-backend.js'

/** A value a store can hold: what `JSON.stringify` writes and `JSON.parse` reads back. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }

/** What a store can do; the facade reads this and never checks `instanceof`. */
export interface StoreCapabilities {
  /** `process`: each call is atomic inside this process; `shared`: across every process using the store. */
  readonly atomicity: 'process' | 'shared'
  /** `scan()` and `count()` see every live record. */
  readonly scan: boolean
  /** `subscribe()` reports expiries and evictions as they happen. */
  readonly expiryEvents: boolean
  /** Records outlive this process (a snapshot file, a server). */
  readonly durable: boolean
  /**
   * Longest a call waits for an answer before it fails with `STORE_UNAVAILABLE` (the Redis store's
   * `commandTimeoutMs`); absent when calls never wait on I/O (the memory store). The facade bounds
   * the wait of its per-session queues by it.
   */
  readonly commandTimeoutMs?: number
}

/** The header of a record: when it was made, when it expires, and a few small facts (owner, device). */
export interface RecordMeta {
  readonly id: string
  /** Epoch ms. */
  readonly createdAt: number
  /** Epoch ms; the record and all its parts are gone from this instant on. */
  readonly expiresAt: number
  /** Small facts kept with the header (user id, device id, absolute end). Read-only. */
  readonly data: Readonly<Record<string, JsonValue>>
}

/** Why a record left the store. */
export type RemovalReason = 'expired' | 'evicted' | 'deleted'

/** Reported to `subscribe()` listeners. `evicted` means a capacity limit pushed the record out. */
export interface RemovalEvent {
  readonly id: string
  readonly reason: RemovalReason
  /** For `evicted`: which limit (`maxSessions`, `maxBytes`). */
  readonly limit?: string
  readonly data: Readonly<Record<string, JsonValue>>
}

/** Options every write accepts. */
export interface WriteOptions {
  /**
   * Also move the record's expiry to this epoch ms in the same atomic step: this is how a
   * write counts as activity without a second call.
   */
  readonly expiresAt?: number
  /** This part's own expiry (epoch ms), when it should go before its record (history kept 2 h in a 24 h session). */
  readonly partExpiresAt?: number
}

/** A value part as read: the value and its version (1 after the first write, +1 per write). */
export interface Versioned<T = JsonValue> {
  readonly value: T
  readonly version: number
}

/** Outcome of a compare-and-set: `ok: false` leaves the part as it was and reports its version. */
export type CasResult =
  | { readonly ok: true; readonly version: number }
  | { readonly ok: false; readonly version: number }

/** Options of `setValue`. */
export interface SetValueOptions extends WriteOptions {
  /** Write only when the part is at this version; `0` means "only when the part does not exist". */
  readonly ifVersion?: number
}

/** One entry of a list part: its sequence number (1, 2, 3 ... per list, never reused) and value. */
export interface ListEntry<T = JsonValue> {
  readonly seq: number
  readonly value: T
}

/** Options of `push`. */
export interface PushOptions extends WriteOptions {
  /** Keep at most this many entries; the oldest fall off in the same atomic step. Required: lists are bounded. */
  readonly max: number
  /**
   * A retry of a push with the same key (among the list's last {@link IDEMPOTENCY_WINDOW} keyed pushes)
   * adds nothing and returns the first push's sequence numbers with `duplicate: true`.
   */
  readonly idempotencyKey?: string
}

/** How many recent idempotency keys a list part remembers. */
export const IDEMPOTENCY_WINDOW = 256

/** Outcome of `push`. */
export interface PushResult {
  /** Sequence numbers given to the pushed entries (for a duplicate: those of the first push). */
  readonly firstSeq: number
  readonly lastSeq: number
  /** Entries in the list after the push. */
  readonly length: number
  /** Entries this push trimmed off the front to keep `max`. */
  readonly dropped: number
  /** True when the idempotency key was seen before and nothing was added. */
  readonly duplicate: boolean
}

/** A slice of a list part, oldest first, with the list's current shape. */
export interface RangeResult<T = JsonValue> {
  readonly entries: readonly ListEntry<T>[]
  /** Entries in the list now (0 when the part or record is missing). */
  readonly length: number
  /** Sequence number of the newest entry ever pushed (0 when none); survives `deletePart`. */
  readonly lastSeq: number
}

/** Which entries `rangeBySeq` returns: those with `afterSeq < seq < beforeSeq`, at most `limit`. */
export interface SeqQuery {
  readonly afterSeq?: number
  readonly beforeSeq?: number
  readonly limit: number
  /** With no `afterSeq`, take the newest `limit` (default `true`); otherwise the oldest. */
  readonly newest?: boolean
}

/** A map part as read. Missing record or part: `{ entries: {}, version: 0 }`. */
export interface MapSnapshot<T = JsonValue> {
  /** Field -> value, in a prototype-free object. */
  readonly entries: Readonly<Record<string, T>>
  readonly version: number
}

/** The changes `updateMap` makes in one atomic step: deletes first, then sets, then set-if-absent, then increments. */
export interface MapOps {
  readonly delete?: readonly string[]
  readonly set?: Readonly<Record<string, JsonValue>>
  /** Set these fields only where they are absent (like `HSETNX`): first-seen facts such as `addedAt`. */
  readonly setIfAbsent?: Readonly<Record<string, JsonValue>>
  /** Add to integer fields (a missing field counts as 0). */
  readonly incr?: Readonly<Record<string, number>>
}

/** Options of `updateMap`. */
export interface UpdateMapOptions extends WriteOptions {
  /** Compare-and-set on the map's version; `0`: only when the map is empty or missing. */
  readonly ifVersion?: number
  /** The map may hold at most this many fields after the update, else `LIMIT_EXCEEDED` and nothing changes. */
  readonly maxFields?: number
  /** An incremented field may reach at most this value, else `LIMIT_EXCEEDED` and nothing changes. */
  readonly maxNumber?: number
}

/**
 * Outcome of `updateMap`: the new version, the value of every incremented field (`numbers`), and
 * the value every `setIfAbsent` field holds after the update (`kept`: the one given, or the one
 * that was already there), so a first-seen fact is known without another read.
 */
export type MapUpdateResult =
  | {
      readonly ok: true
      readonly version: number
      readonly numbers: Readonly<Record<string, number>>
      readonly kept: Readonly<Record<string, JsonValue>>
    }
  | { readonly ok: false; readonly version: number }

/** Options of `create`. */
export interface CreateOptions {
  /** Epoch ms at which the record expires. */
  readonly expiresAt: number
  /** Small facts to keep with the header. */
  readonly data?: Readonly<Record<string, JsonValue>>
  /**
   * Also leave a tombstone on `id` until this epoch ms, in the same atomic step: until then
   * `create` and `rename` refuse the id, even after the record is deleted or expires, so an id is
   * never issued twice. A tombstone holds nothing but its end and is keyed by a digest of the id
   * (`idDigest`), so it names no id; reads, `scan` and `count` never see it; a later
   * `tombstoneUntil` extends it, an earlier one never shortens it. Default: no tombstone (user
   * records, which are made again after erasure).
   */
  readonly tombstoneUntil?: number
}

/** Options of `rename`. */
export interface RenameOptions {
  /**
   * Required. Both ids get a tombstone until this epoch ms (one already later is kept): the old id
   * can never be created again before then, nor the new one once it ends.
   */
  readonly tombstoneUntil: number
  /** The moved record's new expiry (activity), in the same step. Default: unchanged. */
  readonly expiresAt?: number
  /** Header facts to change on the way (`null` removes one), as `patchMeta`. */
  readonly patch?: Readonly<Record<string, JsonValue>>
  /** Rename only when each named header fact holds this value (`null`: is absent), as `patchMeta`. */
  readonly ifData?: Readonly<Record<string, JsonValue>>
}

import type { RecordDump } from './record-dump.js'

export type { PartDump, RecordDump } from './record-dump.js'

/** Options of `patchMeta`. */
export interface PatchMetaOptions {
  /** Move the record's expiry too. */
  readonly expiresAt?: number
  /** Patch only when each named field currently holds this value (`null`: is absent). */
  readonly ifData?: Readonly<Record<string, JsonValue>>
}

/** Options of `touchMeta`. */
export interface TouchMetaOptions {
  /** A header fact holding an epoch ms the expiry never moves past (an absolute end), when it holds a number. */
  readonly notAfter?: string
  /**
   * Move the expiry only when each named header fact is absent or holds this value (an owner
   * check: `{ u: userId }`; `null` means "only when absent"). Otherwise nothing moves and the
   * result says `touched: false`.
   */
  readonly ifDataAbsentOr?: Readonly<Record<string, JsonValue>>
}

/** Outcome of `touchMeta` on a live record. */
export interface TouchMetaResult {
  /** The header after the call (with the new `expiresAt` when touched). */
  readonly meta: RecordMeta
  /** `false` when an `ifDataAbsentOr` condition failed and the expiry was left as it was. */
  readonly touched: boolean
}

/** Options of `mergeValue`. */
export interface MergeValueOptions extends WriteOptions {
  /** Largest JSON size of the merged value, in bytes: past it `INVALID_ARGUMENT`, nothing written. */
  readonly maxBytes?: number
}

/**
 * The contract every store keeps. A store holds **records** (a session, a user scope) with named
 * **parts** of three kinds: `value` (JSON with a version, compare-and-set), `list` (capped,
 * sequenced, append-only) and `map` (fields with a version). All times are absolute epoch ms from
 * the store's `clock`.
 *
 * Rules (checked by `defineStoreSuite` from `sessionkit/testing`):
 * - a write to a part of a missing or expired record throws `NOT_FOUND` and never resurrects it;
 * - reads of a missing or expired record return `undefined` (or an empty shape), never throw;
 * - a part may expire before its record, never after it;
 * - an id with a live tombstone cannot be created or renamed to (see `CreateOptions.tombstoneUntil`);
 * - every call is atomic on its own;
 * - ids are checked with `assertRecordId`, part names with `assertPartName`.
 * - values handed back are read-only: copy before changing them.
 */
export interface SessionStore {
  readonly capabilities: StoreCapabilities
  /** The time source the store expires records by; the facade uses the same one. */
  readonly clock: Clock

  /**
   * Make a record. Resolves `false` (and changes nothing) when a live record or a live tombstone
   * holds `id`; the check and the write are one atomic step, never check-then-create.
   */
  create(id: string, options: CreateOptions): Promise<boolean>
  /** The record's header, or `undefined` when missing or expired. */
  meta(id: string): Promise<RecordMeta | undefined>
  /**
   * `meta` answered synchronously (and it throws where `meta` rejects), for a store that holds its
   * records in this process. The header is a new object on each call and may be left unfrozen (its
   * `data` is still read-only). Optional: with it `kit.get` answers without waiting on the store's
   * promise, most of its cost on the memory store. Stores that reach a server leave it out.
   */
  metaNow?(id: string): RecordMeta | undefined
  /**
   * Change header facts (`null` removes one). Resolves the new header, or `undefined` when an
   * `ifData` condition failed. Throws `NOT_FOUND` for a missing record.
   */
  patchMeta(
    id: string,
    patch: Readonly<Record<string, JsonValue>>,
    options?: PatchMetaOptions,
  ): Promise<RecordMeta | undefined>
  /** Set the record's expiry to `expiresAt` without rewriting it or its parts; `false` when missing. */
  touch(id: string, expiresAt: number): Promise<boolean>
  /**
   * `touch` and `meta` in one atomic step (one round trip on a server): moves the expiry to
   * `expiresAt` (capped by `notAfter`, when `ifDataAbsentOr` holds) and resolves the header, or
   * `undefined` when the record is missing or expired. Optional: without it the facade calls
   * `meta` then `touch`.
   */
  touchMeta?(id: string, expiresAt: number, options?: TouchMetaOptions): Promise<TouchMetaResult | undefined>
  /** Remove a record and all its parts; `false` when it was not there. A tombstone on `id` stays. */
  delete(id: string): Promise<boolean>

  /**
   * A fresh id that `rename(fromId, id)` accepts: 22 base64url characters, as `createSessionId()`,
   * with at least 110 random bits. Stores that can move a record anywhere in one step return
   * `createSessionId()`; the Redis store draws one whose key falls in the Cluster slot of `fromId`'s.
   * Synchronous; it does not reach the store.
   */
  renameTarget(fromId: string): string
  /**
   * Moves record `fromId` to `toId` in one atomic step and ends `fromId`: the header (`createdAt`
   * kept, `data` patched by `options.patch`, expiry moved by `options.expiresAt`) and every part
   * with all its state (values and their versions; list entries, sequence numbers, the last seq of
   * a deleted list and the idempotency keys; map fields and versions; own part expiries). Both ids
   * get a tombstone until `options.tombstoneUntil`. Afterwards nothing is left under `fromId`:
   * reads see a missing record, writes throw `NOT_FOUND`, `create(fromId)` resolves `false`.
   *
   * Resolves the moved header (`id` is `toId`), or `undefined` when an `ifData` condition failed
   * (nothing changed). Throws `NOT_FOUND` when `fromId` is missing or expired, `CONFLICT` when a
   * live record or a live tombstone holds `toId` (a store may also refuse an id whose expired
   * record it has not cleared yet), and `INVALID_ARGUMENT` for bad ids, `toId === fromId`, or a
   * `toId` this store cannot move `fromId` to in one step (draw it with `renameTarget`). Every
   * failure changes nothing.
   */
  rename(fromId: string, toId: string, options: RenameOptions): Promise<RecordMeta | undefined>
  /**
   * Everything record `id` holds: its header and every part with data (what a data access
   * request returns), or `undefined` when the record is missing or expired. Parts past their own
   * expiry are absent, as is a deleted list that only keeps its sequence counter; idempotency keys
   * are not returned. One consistent read.
   */
  readRecord(id: string): Promise<RecordDump | undefined>

  getValue<T = JsonValue>(id: string, part: string): Promise<Versioned<T> | undefined>
  setValue(id: string, part: string, value: JsonValue, options?: SetValueOptions): Promise<CasResult>
  /**
   * Merges `patch` into the value part in one atomic step, without a separate read: plain objects
   * merge key by key, `null` removes a key, anything else (arrays too) replaces; a part that is
   * missing or not an object counts as `{}`. Resolves the merged value and its new version.
   * Optional: without it the facade reads and writes with compare-and-set.
   */
  mergeValue?(
    id: string,
    part: string,
    patch: Readonly<Record<string, JsonValue>>,
    options?: MergeValueOptions,
  ): Promise<Versioned<Readonly<Record<string, JsonValue>>>>

  push(id: string, part: string, values: readonly JsonValue[], options: PushOptions): Promise<PushResult>
  /** Entries by index, both ends inclusive, negative counting from the end (like `LRANGE`). */
  range<T = JsonValue>(id: string, part: string, start: number, stop: number): Promise<RangeResult<T>>
  /** Entries by sequence number, for paging. */
  rangeBySeq<T = JsonValue>(id: string, part: string, query: SeqQuery): Promise<RangeResult<T>>

  getMap<T = JsonValue>(id: string, part: string, fields?: readonly string[]): Promise<MapSnapshot<T>>
  updateMap(id: string, part: string, ops: MapOps, options?: UpdateMapOptions): Promise<MapUpdateResult>

  /** Remove one part (a list keeps its sequence counter). Throws `NOT_FOUND` for a missing record. */
  deletePart(id: string, part: string, options?: WriteOptions): Promise<void>

  /** Every live record id starting with `prefix` (default: all), in batches; no global index. */
  scan(options?: { readonly prefix?: string; readonly batchSize?: number }): AsyncIterable<readonly string[]>
  /** How many live records start with `prefix` (default: all). */
  count(options?: { readonly prefix?: string }): Promise<number>
  /**
   * About how many live records start with `prefix` (`''`, or a class: an id's start up to its
   * first `:`, such as `'user:'`), without a scan: counters the store keeps on every write. May
   * include records that expired in the last minute; never misses a live one. Optional: for
   * `kit.stats()`, which calls `count` without it.
   */
  estimateCount?(options?: { readonly prefix?: string }): Promise<number>
  /**
   * Rate-limit state kept beside the records (Redis: one script per consume), for
   * `createRateLimiter({ store })`; absent, the limiter keeps its state in process memory.
   */
  readonly rateLimits?: RateLimitBackend
  /** Listen for expiries and evictions, when `capabilities.expiryEvents`; returns the unsubscribe function. */
  subscribe?(listener: (event: RemovalEvent) => void): () => void
  /**
   * A session-detection index on the same server, shared by every process that uses this store
   * (the Redis store has one), so `kit.detect()` places a conversation's requests in one session
   * whichever replica receives them. Stores without one leave it out: the kit detects in process.
   */
  detectionIndex?(): DetectionIndex
  /** Flush what needs flushing (a snapshot) and release timers and connections. */
  close(): Promise<void>
}
