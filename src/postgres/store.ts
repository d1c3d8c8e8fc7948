import { createSessionId } from '../ids.js'
import type { SessionStore, StoreCapabilities } from '../store/contract.js'
import { mergeValue, touchMeta } from './combined.js'
import { createPostgresContext } from './context.js'
import { createPostgresLimits } from './limits/backend.js'
import { push, range, rangeBySeq } from './lists.js'
import { getMap, updateMap } from './maps.js'
import { type PostgresStoreOptions, resolvePostgresOptions } from './options.js'
import { readRecord } from './read-record.js'
import { createRecord, deleteRecord, patchMeta, readMeta, touchRecord } from './records.js'
import { renameRecord } from './rename.js'
import { countIds, scanIds } from './scan.js'
import { type SweepResult, startSweeper, sweep } from './sweeper.js'
import { deletePart, getValue, setValue } from './values.js'

/** A `SessionStore` on PostgreSQL; see {@link createPostgresStore}. */
export interface PostgresStore extends SessionStore {
  /** The schema and records table in use. */
  readonly schema: string
  readonly table: string
  /** Deletes what expired (more than `expiryGraceMs` ago) now, in batches; resolves what it removed. */
  sweep(): Promise<SweepResult>
}

/**
 * The session store on PostgreSQL, through your `pg` pool. Every call is one statement (one round
 * trip): writes call a function the migrations installed, which locks the record's row (that row
 * only) for the length of the call; reads are plain statements on one snapshot. Atomic across every
 * process that shares the database. Expiry follows the store's `clock`; expired rows are never
 * returned and a sweeper deletes them in batches every `sweepIntervalMs`. Run `migrate(pool)` once
 * at start-up first. A call without an answer within `commandTimeoutMs` (default 2000), or that
 * fails on the connection, rejects with `STORE_UNAVAILABLE`. `close()` stops the sweeper and makes
 * later calls reject; the pool is yours to end. The store also keeps rate-limit state for
 * `createRateLimiter({ store })` (`rateLimits`: one row per rule and subject, one statement per
 * consume), swept with the records.
 *
 * @example
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * await migrate(pool)
 * const kit = createSessionKit({ store: createPostgresStore({ pool }) })
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const ctx = createPostgresContext(resolvePostgresOptions(options))
  const stopSweeper = startSweeper(ctx)
  // The kit's queued updates wait at most this long by default, as one call may.
  const capabilities: StoreCapabilities = Object.freeze({
    atomicity: 'shared',
    scan: true,
    expiryEvents: false,
    durable: true,
    commandTimeoutMs: ctx.options.commandTimeoutMs,
  })
  return {
    capabilities,
    clock: ctx.options.clock,
    schema: ctx.options.schema,
    table: ctx.options.table,
    create: (id, createOptions) => createRecord(ctx, id, createOptions),
    meta: (id) => readMeta(ctx, id),
    patchMeta: (id, patch, patchOptions) => patchMeta(ctx, id, patch, patchOptions),
    touch: (id, expiresAt) => touchRecord(ctx, id, expiresAt),
    touchMeta: (id, expiresAt, touchOptions) => touchMeta(ctx, id, expiresAt, touchOptions),
    delete: (id) => deleteRecord(ctx, id),
    renameTarget: () => createSessionId(),
    rename: (fromId, toId, renameOptions) => renameRecord(ctx, fromId, toId, renameOptions),
    readRecord: (id) => readRecord(ctx, id),
    getValue: (id, part) => getValue(ctx, id, part),
    setValue: (id, part, value, setOptions) => setValue(ctx, id, part, value, setOptions),
    mergeValue: (id, part, patch, mergeOptions) => mergeValue(ctx, id, part, patch, mergeOptions),
    push: (id, part, values, pushOptions) => push(ctx, id, part, values, pushOptions),
    range: (id, part, start, stop) => range(ctx, id, part, start, stop),
    rangeBySeq: (id, part, query) => rangeBySeq(ctx, id, part, query),
    getMap: (id, part, fields) => getMap(ctx, id, part, fields),
    updateMap: (id, part, ops, mapOptions) => updateMap(ctx, id, part, ops, mapOptions),
    deletePart: (id, part, writeOptions) => deletePart(ctx, id, part, writeOptions),
    scan: (scanOptions) => scanIds(ctx, scanOptions),
    count: (countOptions) => countIds(ctx, countOptions),
    rateLimits: createPostgresLimits(ctx),
    sweep: () => sweep(ctx),
    async close() {
      stopSweeper()
      ctx.close()
    },
  }
}
