import { LRUCache } from 'lru-cache'
import { SessionKitError } from '../errors.js'
import { assertPartName, assertRecordId, recordLabel } from '../ids.js'
import { coarseNow } from './coarse-clock.js'
import type { RemovalEvent } from './contract.js'
import { deliver } from './deliver.js'
import { createExpiryBuckets } from './expiry-buckets.js'
import type { ResolvedMemoryOptions } from './memory-options.js'
import { type ListPart, type MemoryRecord, PART_OVERHEAD, type Part } from './memory-record.js'
import { createTombstones, type Tombstones } from './memory-tombstones.js'
import { recordNotFound, wrongPartKind } from './store-errors.js'

/**
 * The synchronous heart of the memory store: the LRU of records, their expiry buckets, byte
 * accounting and removal events. Every method runs to completion without awaiting, which is what
 * makes each store call atomic inside the process.
 */
export interface MemoryEngine {
  readonly options: ResolvedMemoryOptions
  now(): number
  /** The live record `id`, or `undefined`. Validates `id` only on a miss (a stored id was validated on create). */
  find(id: string, now: number): MemoryRecord | undefined
  /** Like `find`, for writes: a missing or expired record is `NOT_FOUND`. */
  require(id: string, now: number): MemoryRecord
  /** The live record under `id` without touching recency, or `undefined` (no validation). */
  peek(id: string, now: number): MemoryRecord | undefined
  /** The part `name` of `kind`, or `undefined`; a list tombstone is returned only for `kind: 'list'`. */
  part<K extends Part['kind']>(
    record: MemoryRecord,
    name: string,
    kind: K,
    now: number,
  ): Extract<Part, { kind: K }> | undefined
  /** For reads: the part `name` of `kind` of the live record `id`, or `undefined` when either is missing. */
  readPart<K extends Part['kind']>(id: string, name: string, kind: K): Extract<Part, { kind: K }> | undefined
  /** Adds a new record, parts and all (evicting by `maxSessions` when full). */
  insert(record: MemoryRecord): void
  /** Puts a new part under `name`, replacing a list tombstone (whose bytes it releases). */
  putPart(record: MemoryRecord, name: string, part: Part): void
  /** Removes a record now; `expired` removals are reported to listeners. */
  remove(record: MemoryRecord, reason: 'expired' | 'deleted'): void
  /** Moves the record's expiry (no rewrite: the sweeper re-files it when its bucket comes due). */
  setExpiry(record: MemoryRecord, expiresAt: number): void
  /** Gives a part its own expiry. */
  setPartExpiry(record: MemoryRecord, part: Part, expiresAt: number): void
  /** Removes a part (a list becomes a tombstone that keeps its sequence counter). */
  dropPart(record: MemoryRecord, name: string, part: Part): void
  /** Throws `LIMIT_EXCEEDED` when a record growing by `delta` bytes could never fit `maxBytes`. */
  checkBytes(record: MemoryRecord, delta: number): void
  /** Accounts a committed change of `delta` bytes, evicting least recently used records over `maxBytes`. */
  addBytes(record: MemoryRecord, delta: number): void
  /** Whether `id` has a live tombstone: `create` and `rename` refuse it. */
  tombstoned(id: string, now: number): boolean
  /** Leaves (or extends) a tombstone on `id` until `until`; its bytes count in `maxBytes`. */
  tombstone(id: string, until: number): void
  /** The tombstones themselves, for snapshots (their bytes are counted by the engine). */
  readonly tombstones: Pick<Tombstones, 'entries' | 'size'>
  /** Puts back a tombstone read from a snapshot, by its digest, within `maxBytes`. */
  restoreTombstone(digest: string, until: number): void
  /** Purges every record and part expired by now (within one bucket). */
  sweep(): void
  /** Delivers queued removal events to listeners; a listener that throws becomes a warning (`onWarning`). */
  flush(): void
  subscribe(listener: (event: RemovalEvent) => void): () => void
  /** Live and not-yet-purged records, least recently used first. Do not change the store while walking it. */
  records(): Iterable<MemoryRecord>
  /** Drops every record and tombstone without events (a restore that failed part way). */
  clear(): void
  readonly size: number
  readonly totalBytes: number
}

export function createMemoryEngine(options: ResolvedMemoryOptions): MemoryEngine {
  const now = coarseNow(options.clock)
  const buckets = createExpiryBuckets()
  const tombstones = createTombstones(options.maxSessions)
  const listeners = new Set<(event: RemovalEvent) => void>()
  if (options.onRemove !== undefined) listeners.add(options.onRemove)
  const pending: RemovalEvent[] = []
  let flushing = false
  let totalBytes = 0
  // Counts uses, so byte eviction can tell which of the two lists' oldest record is older.
  let uses = 0
  let evictLimit: string | undefined

  const makeLru = (max: number, limit: string) =>
    new LRUCache<string, MemoryRecord>({
      max,
      dispose(record, _id, reason) {
        // Only evictions come through here; every other removal is made (and reported) by the engine.
        if (reason !== 'evict') return
        buckets.remove(record)
        totalBytes -= record.bytes
        pending.push({ id: record.id, reason: 'evicted', limit: evictLimit ?? limit, data: record.data })
      },
    })
  // Sessions and scopes (ids with ":", such as the kit's `user:<id>`) are capped apart, so user
  // records never take a session's place at maxSessions. The scopes' LRU is made on first use: an
  // LRU reserves its slots up front, and many stores never hold a scope.
  const sessions = makeLru(options.maxSessions, 'maxSessions')
  let scopes: LRUCache<string, MemoryRecord> = NO_SCOPES
  const isScope = (id: string) => typeof id === 'string' && id.includes(':')
  // A bad id (not a string) looks in sessions, misses, and is refused by assertRecordId.
  const lruOf = (id: string) => (isScope(id) ? scopes : sessions)

  function remove(record: MemoryRecord, reason: 'expired' | 'deleted'): void {
    lruOf(record.id).delete(record.id)
    buckets.remove(record)
    totalBytes -= record.bytes
    if (reason === 'expired') pending.push({ id: record.id, reason, data: record.data })
  }

  function addBytes(record: MemoryRecord, delta: number): void {
    record.bytes += delta
    totalBytes += delta
    if (delta > 0) enforceBytes()
  }

  function dropPart(record: MemoryRecord, name: string, part: Part): void {
    if (part.kind === 'list') {
      const tombBytes = PART_OVERHEAD + name.length
      addBytes(record, tombBytes - part.bytes)
      tomb(part, tombBytes)
      return
    }
    record.parts!.delete(name)
    addBytes(record, -part.bytes)
  }

  function deadlineOf(record: MemoryRecord, now: number): number {
    let deadline = record.expiresAt
    if (record.parts === undefined) return deadline
    for (const [name, part] of record.parts) {
      if (part.expiresAt === undefined) continue
      if (part.expiresAt <= now) dropPart(record, name, part)
      else if (part.expiresAt < deadline) deadline = part.expiresAt
    }
    return deadline
  }

  const engine: MemoryEngine = {
    options,
    now,
    find(id, now) {
      // Sessions first: a session id holds no ':', so only a miss there can be a scope.
      let record = sessions.get(id)
      if (record === undefined && scopes !== NO_SCOPES && isScope(id)) record = scopes.get(id)
      if (record === undefined) {
        assertRecordId(id)
        return undefined
      }
      if (record.expiresAt <= now) {
        remove(record, 'expired')
        return undefined
      }
      record.used = ++uses
      return record
    },
    require(id, now) {
      const record = engine.find(id, now)
      if (record === undefined) {
        throw recordNotFound(id)
      }
      return record
    },
    peek(id, now) {
      const record = lruOf(id).peek(id)
      return record !== undefined && record.expiresAt > now ? record : undefined
    },
    part(record, name, kind, now) {
      const part = record.parts?.get(name)
      if (part === undefined) {
        assertPartName(name)
        return undefined
      }
      if (part.expiresAt !== undefined && part.expiresAt <= now) {
        dropPart(record, name, part)
        return kind === 'list' && part.kind === 'list'
          ? (part as Extract<Part, { kind: typeof kind }>)
          : undefined
      }
      if (part.kind !== kind) {
        if (part.kind === 'list' && !part.live) return undefined
        throw wrongPartKind(record.id, name, part.kind, kind)
      }
      return part as Extract<Part, { kind: typeof kind }>
    },
    readPart(id, name, kind) {
      const at = now()
      const record = engine.find(id, at)
      if (record !== undefined) return engine.part(record, name, kind, at)
      // A read of a missing record still rejects a bad part name, so a typo shows before data exists.
      assertPartName(name)
      return undefined
    },
    insert(record) {
      record.used = ++uses
      if (isScope(record.id) && scopes === NO_SCOPES) scopes = makeLru(options.maxScopes, 'maxScopes')
      lruOf(record.id).set(record.id, record)
      totalBytes += record.bytes
      buckets.file(record, deadlineOf(record, now()))
      enforceBytes()
    },
    putPart(record, name, part) {
      record.parts ??= new Map()
      const old = record.parts.get(name)
      if (old !== undefined) addBytes(record, -old.bytes)
      record.parts.set(name, part)
    },
    remove,
    setExpiry(record, expiresAt) {
      if (expiresAt === record.expiresAt) return
      if (expiresAt < record.expiresAt) buckets.fileEarlier(record, expiresAt)
      record.expiresAt = expiresAt
    },
    setPartExpiry(record, part, expiresAt) {
      part.expiresAt = expiresAt
      buckets.fileEarlier(record, expiresAt)
    },
    dropPart,
    checkBytes(record, delta) {
      const max = options.maxBytes
      if (record.bytes + delta <= max) return
      throw new SessionKitError(
        'LIMIT_EXCEEDED',
        `record ${recordLabel(record.id)} would take about ${record.bytes + delta} bytes, more than maxBytes (${max}); store less in it or raise maxBytes`,
        {
          details: {
            record: recordLabel(record.id),
            limit: 'maxBytes',
            bytes: record.bytes + delta,
            maxBytes: max,
          },
        },
      )
    },
    addBytes,
    tombstoned: (id, at) => tombstones.has(id, at),
    tombstones,
    restoreTombstone(digest, until) {
      tombstones.restore(digest, until)
      enforceBytes()
    },
    tombstone(id, until) {
      tombstones.add(id, until, now())
      enforceBytes()
    },
    sweep() {
      const at = now()
      buckets.sweep(at, (record) => {
        if (record.expiresAt <= at) remove(record, 'expired')
        else buckets.file(record, deadlineOf(record, at))
      })
    },
    flush() {
      if (pending.length === 0 || flushing) return
      flushing = true
      try {
        for (let event = pending.shift(); event !== undefined; event = pending.shift()) {
          for (const listener of listeners) deliver(listener, event, options.onWarning)
        }
      } finally {
        flushing = false
      }
    },
    subscribe(listener) {
      // Wrap, so the same function subscribed twice is two subscriptions.
      const wrapped = (event: RemovalEvent) => listener(event)
      listeners.add(wrapped)
      return () => {
        listeners.delete(wrapped)
      }
    },
    records: () => byUse(walk(sessions), walk(scopes)),
    clear() {
      sessions.clear()
      scopes = NO_SCOPES
      buckets.clear()
      totalBytes = 0
      tombstones.clear()
      pending.length = 0
    },
    get size() {
      return sessions.size + scopes.size
    },
    get totalBytes() {
      return totalBytes + tombstones.bytes
    },
  }

  function enforceBytes(): void {
    const max = options.maxBytes
    if (totalBytes + tombstones.bytes <= max) return
    // Tombstones go first: a record holds a user's data, a tombstone only guards ids a caller supplies.
    let dropped = true
    while (dropped && totalBytes + tombstones.bytes > max) dropped = tombstones.dropOldest()
    evictLimit = 'maxBytes'
    try {
      // The record just written is the most recently used, so it is the last one evicted.
      while (totalBytes > max && sessions.size + scopes.size > 1) {
        const session = oldest(sessions)
        const scope = oldest(scopes)
        if (scope === undefined || (session !== undefined && session.used < scope.used)) sessions.pop()
        else scopes.pop()
      }
    } finally {
      evictLimit = undefined
    }
  }

  return engine
}

/** Stands in for the scopes' LRU until a scope is stored: only ever read, never written. */
const NO_SCOPES = new LRUCache<string, MemoryRecord>({ max: 1 })

/** The records of one list, least recently used first (no fetch methods, so every value is a record). */
function walk(lru: LRUCache<string, MemoryRecord>): IterableIterator<MemoryRecord> {
  return lru.rvalues() as IterableIterator<MemoryRecord>
}

function oldest(lru: LRUCache<string, MemoryRecord>): MemoryRecord | undefined {
  const first = walk(lru).next()
  return first.done === true ? undefined : first.value
}

/** Merges two least-recently-used-first lists into one, by last use. */
function* byUse(
  a: Iterator<MemoryRecord>,
  b: Iterator<MemoryRecord>,
): Generator<MemoryRecord, void, undefined> {
  let x = a.next()
  let y = b.next()
  while (!x.done || !y.done) {
    if (y.done || (!x.done && x.value.used < y.value.used)) {
      yield x.value
      x = a.next()
    } else {
      yield y.value
      y = b.next()
    }
  }
}

function tomb(part: ListPart, bytes: number): void {
  part.live = false
  part.entries = []
  part.sizes = []
  part.keys = undefined
  part.expiresAt = undefined
  part.bytes = bytes
}
