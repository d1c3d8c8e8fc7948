import { invalidArgument, SessionKitError } from '../errors.js'
import { createSessionId } from '../ids.js'
import { checkKnownKeys } from '../options.js'
import { checkScanOptions, checkTime } from './arguments.js'
import type {
  MapSnapshot,
  RangeResult,
  RecordMeta,
  SeqQuery,
  SessionStore,
  StoreCapabilities,
  Versioned,
} from './contract.js'
import { mergeRecordValue, touchRecordMeta } from './memory-combined.js'
import { dumpRecord } from './memory-dump.js'
import { createMemoryEngine, type MemoryEngine } from './memory-engine.js'
import { createRecord, deleteRecordPart, patchRecordMeta } from './memory-header.js'
import { pushList, rangeList, rangeListBySeq } from './memory-lists.js'
import { readMap, updateMap } from './memory-maps.js'
import { type MemoryStoreOptions, resolveMemoryOptions } from './memory-options.js'
import { headerOf } from './memory-record.js'
import { renameRecord } from './memory-rename.js'
import { createSnapshotter } from './memory-snapshots.js'
import { readValue, writeValue } from './memory-values.js'

export type { MemorySnapshotOptions, MemoryStoreOptions } from './memory-options.js'

/** Options of `store.snapshot()`. */
export interface MemorySnapshotCall {
  /** Where to write. Default: the `snapshot.path` option. */
  readonly path?: string
  /** Replace a file the store could not read at start. Default `false`. */
  readonly overwrite?: boolean
}

/**
 * The in-process `SessionStore`: bounded (LRU over `maxSessions` and `maxBytes`), expiring by the
 * injected clock, optionally saved to a snapshot file. Each call runs synchronously to completion,
 * so it is atomic inside the process.
 *
 * @example
 * const store = createMemoryStore({ maxSessions: 10_000 }); await store.create(id, { expiresAt })
 */
export interface MemoryStore extends SessionStore {
  /** `meta` answered synchronously (see `SessionStore.metaNow`): always present on the memory store. */
  metaNow(id: string): RecordMeta | undefined
  /**
   * Writes a snapshot now, to `path` (default the configured one), without holding the event loop
   * more than a few ms at a time; resolves the number of records written. A file the store could
   * not read at start is not replaced unless `overwrite` is set.
   */
  snapshot(options?: string | MemorySnapshotCall): Promise<number>
  /** Purges expired records and parts now, as the sweep timer does every `sweepIntervalMs`. */
  sweep(): void
  /** Records held, including expired ones not yet purged. */
  readonly size: number
  /** Estimated heap bytes held (what `maxBytes` limits). */
  readonly bytes: number
  /** The byte budget in force: the `maxBytes` option, or its default (a quarter of the heap limit). */
  readonly maxBytes: number
}

const TRUE = Promise.resolve(true)
const FALSE = Promise.resolve(false)
const NONE = Promise.resolve(undefined)

/**
 * Makes a memory store. Options are checked here (`INVALID_CONFIG` naming the option); a snapshot,
 * when configured, is restored before this returns.
 *
 * @example
 * const store = createMemoryStore({ clock, maxSessions: 100_000, snapshot: { path: './sessions.snap' } })
 */
export function createMemoryStore(options?: MemoryStoreOptions): MemoryStore {
  const resolved = resolveMemoryOptions(options)
  const engine = createMemoryEngine(resolved)
  const snapshots = createSnapshotter(engine, resolved.snapshot, resolved.onWarning)
  snapshots.start()
  engine.flush()
  let closed = false
  const sweep = (): void => {
    engine.sweep()
    engine.flush()
  }
  const sweeper =
    resolved.sweepIntervalMs > 0 ? setInterval(sweep, resolved.sweepIntervalMs).unref() : undefined
  const capabilities: StoreCapabilities = Object.freeze({
    atomicity: 'process',
    scan: true,
    expiryEvents: true,
    durable: resolved.snapshot !== undefined,
  })

  /** Runs one store call: synchronously, then delivers removal events, then settles. */
  function run<T>(call: () => T): Promise<T> {
    if (closed) return Promise.reject(closedError())
    try {
      const result = call()
      engine.flush()
      return Promise.resolve(result)
    } catch (error) {
      engine.flush()
      return Promise.reject(error)
    }
  }

  function metaNow(id: string): RecordMeta | undefined {
    if (closed) throw closedError()
    const record = engine.find(id, engine.now())
    engine.flush()
    return record === undefined ? undefined : headerOf(record)
  }

  const store = {
    capabilities,
    clock: resolved.clock,
    create: (id, opts) => run(() => createRecord(engine, id, opts)),
    // meta and touch are the hot paths: no closure, validation only on a miss, and no promise or
    // header kept per record (they would double an idle record's heap once it is read).
    meta(id) {
      try {
        const meta = metaNow(id)
        return meta === undefined ? NONE : Promise.resolve(Object.freeze(meta))
      } catch (error) {
        return Promise.reject(error)
      }
    },
    metaNow,
    touch(id, expiresAt) {
      if (closed) return Promise.reject(closedError())
      try {
        checkTime(expiresAt, 'expiresAt')
        const record = engine.find(id, engine.now())
        engine.flush()
        if (record === undefined) return FALSE
        engine.setExpiry(record, expiresAt)
        return TRUE
      } catch (error) {
        return Promise.reject(error)
      }
    },
    touchMeta: (id, expiresAt, opts) => run(() => touchRecordMeta(engine, id, expiresAt, opts)),
    patchMeta: (id, patch, opts) => run(() => patchRecordMeta(engine, id, patch, opts)),
    delete: (id) =>
      run(() => {
        const record = engine.find(id, engine.now())
        if (record === undefined) return false
        engine.remove(record, 'deleted')
        return true
      }),
    // Any id will do: a memory record moves anywhere in one step.
    renameTarget: () => createSessionId(),
    rename: (fromId, toId, opts) => run(() => renameRecord(engine, fromId, toId, opts)),
    readRecord: (id) => run(() => dumpRecord(engine, id)),
    getValue<T>(id: string, part: string) {
      return run(() => readValue(engine, id, part) as Versioned<T> | undefined)
    },
    // The small write of every request: as lean as meta, no closure per call.
    setValue(id, part, value, opts) {
      if (closed) return Promise.reject(closedError())
      try {
        const result = writeValue(engine, id, part, value, opts)
        engine.flush()
        return Promise.resolve(result)
      } catch (error) {
        engine.flush()
        return Promise.reject(error)
      }
    },
    mergeValue: (id, part, patch, opts) => run(() => mergeRecordValue(engine, id, part, patch, opts)),
    push: (id, part, values, opts) => run(() => pushList(engine, id, part, values, opts)),
    range<T>(id: string, part: string, start: number, stop: number) {
      return run(() => rangeList(engine, id, part, start, stop) as RangeResult<T>)
    },
    rangeBySeq<T>(id: string, part: string, query: SeqQuery) {
      return run(() => rangeListBySeq(engine, id, part, query) as RangeResult<T>)
    },
    getMap<T>(id: string, part: string, fields?: readonly string[]) {
      return run(() => readMap(engine, id, part, fields) as MapSnapshot<T>)
    },
    updateMap: (id, part, ops, opts) => run(() => updateMap(engine, id, part, ops, opts)),
    deletePart: (id, part, opts) => run(() => deleteRecordPart(engine, id, part, opts)),
    scan: (opts) => scanRecords(engine, () => closed, opts),
    count: (opts) => run(() => countRecords(engine, opts)),
    subscribe: (listener) => engine.subscribe(listener),
    snapshot(options) {
      if (closed) return Promise.reject(closedError())
      try {
        const { path, overwrite } = snapshotCall(options, resolved.snapshot?.path)
        return snapshots.save(path, overwrite)
      } catch (error) {
        return Promise.reject(error)
      }
    },
    sweep,
    maxBytes: resolved.maxBytes,
    async close() {
      if (closed) return
      closed = true
      if (sweeper !== undefined) clearInterval(sweeper)
      await snapshots.close()
    },
  } satisfies Omit<MemoryStore, 'size' | 'bytes'>
  // The two getters live on the store's prototype: V8 keeps an object literal that has an accessor
  // in dictionary mode, where each call of a store method is a hash lookup that is never inlined.
  return Object.setPrototypeOf(store, {
    get size() {
      return engine.size
    },
    get bytes() {
      return engine.totalBytes
    },
  }) as MemoryStore
}

async function* scanRecords(
  engine: MemoryEngine,
  isClosed: () => boolean,
  options: { readonly prefix?: string; readonly batchSize?: number } | undefined,
): AsyncGenerator<readonly string[]> {
  const { prefix, batchSize } = checkScanOptions(options, 100, 'scan')
  if (isClosed()) throw closedError()
  // Collect ids first: the LRU must not be walked while callers write between batches.
  const ids: string[] = []
  for (const record of engine.records()) if (record.id.startsWith(prefix)) ids.push(record.id)
  for (let i = 0; i < ids.length; i += batchSize) {
    const now = engine.now()
    const batch = ids.slice(i, i + batchSize).filter((id) => engine.peek(id, now) !== undefined)
    if (batch.length > 0) yield batch
  }
}

function countRecords(engine: MemoryEngine, options: { readonly prefix?: string } | undefined): number {
  const { prefix } = checkScanOptions(options, 1, 'count')
  const now = engine.now()
  let n = 0
  for (const record of engine.records()) if (record.expiresAt > now && record.id.startsWith(prefix)) n++
  return n
}

function snapshotCall(
  options: string | MemorySnapshotCall | undefined,
  configured: string | undefined,
): { readonly path: string; readonly overwrite: boolean } {
  const call = typeof options === 'string' ? { path: options } : (options ?? {})
  if (typeof call !== 'object' || call === null) {
    throw invalidArgument('store.snapshot() takes a path or { path, overwrite }')
  }
  checkKnownKeys(call, ['path', 'overwrite'], { what: 'store.snapshot()', code: 'INVALID_ARGUMENT' })
  const path = call.path ?? configured
  if (typeof path !== 'string' || path === '') {
    throw invalidArgument('store.snapshot() needs a path when the store has no snapshot option')
  }
  if (call.overwrite !== undefined && typeof call.overwrite !== 'boolean') {
    throw invalidArgument('store.snapshot() option "overwrite" must be a boolean')
  }
  return { path, overwrite: call.overwrite ?? false }
}

function closedError(): SessionKitError {
  return new SessionKitError(
    'STORE_UNAVAILABLE',
    'the store is closed; make a new one with createMemoryStore()',
  )
}
