import type { DetectionIndex } from '../detect/shared-index.js'
import { SessionKitError } from '../errors.js'
import type { SessionStore, StoreCapabilities } from '../store/contract.js'
import type { RedisScriptRunner } from './client.js'
import { createRedisContext } from './context.js'
import { estimateCount } from './counter.js'
import { redisDetectionIndex } from './detection/detection-index.js'
import { createExpiryEvents } from './expiry-events.js'
import { createRedisLimits } from './limits/backend.js'
import { push, range, rangeBySeq } from './lists.js'
import { getMap, updateMap } from './maps.js'
import { type RedisStoreOptions, resolveRedisOptions } from './options.js'
import { readRecord } from './read-record.js'
import { createRecord, deleteRecord, patchMeta, readMeta, touchMeta, touchRecord } from './records.js'
import { renameRecord, renameTarget } from './rename.js'
import { countIds, scanIds } from './scan.js'
import { createCallGuard, createHashRead, createScriptCall, type ScriptCall } from './script-call.js'
import { deletePart, getValue, mergeValue, setValue } from './values.js'

function closedError(): SessionKitError {
  return new SessionKitError(
    'STORE_UNAVAILABLE',
    'the store is closed; make a new one with createRedisStore()',
  )
}

/** A `SessionStore` on Redis; see {@link createRedisStore}. */
export interface RedisStore extends SessionStore {
  /** The key prefix in use (records live at `{<prefix>:<id>}`). */
  readonly prefix: string
}

/**
 * The session store on Redis, standalone or Cluster. Every call is one Lua script (one round
 * trip), atomic across every process that shares the server, except a read of a record's header
 * alone (`meta`), which is one plain `HGETALL` when the client offers `hgetall` (a touch under
 * `touchStepMs` reads so first and sends its script only when the expiry must move); every key of a record sits in one
 * Cluster slot (`{<prefix>:<id>}` and `{<prefix>:<id>}:<part>`); there are no index keys, `scan`
 * walks every master. Expiry follows the store's `clock`; Redis also expires every key (plus
 * `expiryGraceMs`) so memory is reclaimed without a sweeper. A call that gets no answer within
 * `commandTimeoutMs` (default 2000), or fails on the connection, rejects with `STORE_UNAVAILABLE`.
 * `close()` makes later calls reject and leaves the client open: it is yours to close.
 * `detectionIndex()` is the shared session-detection index on the same client and prefix, which
 * `kit.detect()` uses. `estimateCount()` reads live-record counters the scripts keep (no scan);
 * with `expiryEvents: true`, `subscribe()` reports Redis's expiries (keyspace notifications). The store also keeps rate-limit state for `createRateLimiter({ store })`
 * (`rateLimits`), beside the records.
 *
 * @example
 * const store = createRedisStore({ client: fromIoredis(new Redis(process.env.REDIS_URL)), prefix: 'shop' })
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const resolved = resolveRedisOptions(options)
  const guard = createCallGuard(resolved.commandTimeoutMs, resolved.prefix)
  const run = createScriptCall(resolved.client, guard)
  let closed = false
  const call: ScriptCall = (script, keys, args, runner) =>
    closed ? Promise.reject(closedError()) : run(script, keys, args, runner)
  const hgetall = createHashRead(resolved.client, guard)
  const readHash = hgetall && ((key: string) => (closed ? Promise.reject(closedError()) : hgetall(key)))
  const ctx = createRedisContext(resolved, call, readHash)
  const capabilities: StoreCapabilities = Object.freeze({
    atomicity: 'shared',
    scan: true,
    expiryEvents: resolved.expiryEvents,
    durable: true,
    commandTimeoutMs: resolved.commandTimeoutMs,
  })
  let index: DetectionIndex | undefined
  const events = resolved.expiryEvents
    ? createExpiryEvents(resolved.client, resolved.prefix, resolved.onWarning)
    : undefined
  return {
    capabilities,
    clock: resolved.clock,
    prefix: resolved.prefix,
    create: (id, createOptions) => createRecord(ctx, id, createOptions),
    meta: (id) => readMeta(ctx, id),
    patchMeta: (id, patch, patchOptions) => patchMeta(ctx, id, patch, patchOptions),
    touch: (id, expiresAt) => touchRecord(ctx, id, expiresAt),
    touchMeta: (id, expiresAt, touchOptions) => touchMeta(ctx, id, expiresAt, touchOptions),
    delete: (id) => deleteRecord(ctx, id),
    renameTarget: (fromId) => renameTarget(ctx, fromId),
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
    estimateCount: (countOptions) => estimateCount(ctx, countOptions),
    detectionIndex() {
      // Its calls are refused once the store is closed, like the store's own.
      const client: RedisScriptRunner = {
        evalsha: (sha1, keys, args) =>
          closed ? Promise.reject(closedError()) : resolved.client.evalsha(sha1, keys, args),
        eval: (script, keys, args) =>
          closed ? Promise.reject(closedError()) : resolved.client.eval(script, keys, args),
      }
      index ??= redisDetectionIndex({
        client,
        prefix: resolved.prefix,
        commandTimeoutMs: resolved.commandTimeoutMs,
        expiryGraceMs: resolved.expiryGraceMs,
      })
      return index
    },
    rateLimits: createRedisLimits(ctx),
    ...(events === undefined ? {} : { subscribe: events.subscribe }),
    async close() {
      closed = true
      await events?.close()
    },
  }
}
