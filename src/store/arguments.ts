import { invalidArgument } from '../errors.js'
import { assertFieldName, assertRecordId } from '../ids.js'
import { checkKnownKeys } from '../options.js'
import { isWellFormed } from '../util/well-formed.js'
import type {
  CreateOptions,
  JsonValue,
  MapOps,
  PatchMetaOptions,
  PushOptions,
  SeqQuery,
  SetValueOptions,
  UpdateMapOptions,
  WriteOptions,
} from './contract.js'

// Checks of store-call arguments that every store makes the same way, so the memory store and the
// Redis store reject the same input with the same message. Store-agnostic: nothing here knows how a
// store keeps its data.

/**
 * Checks an epoch-ms time argument: a finite number.
 *
 * @example
 * checkTime(options.expiresAt, 'expiresAt')
 */
export function checkTime(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidArgument(`${what} must be a finite epoch-ms number; got ${String(value)}`)
  }
}

const WRITE_KEYS = ['expiresAt', 'partExpiresAt']

/**
 * Refuses a key of a store call's options that the call does not know (`INVALID_ARGUMENT` naming
 * the closest valid one): a misspelt `idempotencyKey` or `ifVersion` must not be dropped silently.
 *
 * @example
 * checkOptionKeys(options, ['expiresAt', 'data'], 'create')
 */
export function checkOptionKeys(options: object, valid: readonly string[], call: string): void {
  checkNames(valid, 'checkOptionKeys(options, valid, call): valid')
  if (typeof call !== 'string') {
    throw invalidArgument(
      `checkOptionKeys(options, valid, call): call must be the call's name; got ${typeof call}`,
    )
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(
      `store.${call}() options must be an object; got ${options === null ? 'null' : typeof options}`,
    )
  }
  checkKnownKeys(options, valid, { what: `store.${call}()`, code: 'INVALID_ARGUMENT' })
}

/**
 * Refuses a list of option names that is not an array of strings: the argument an adapter author
 * writes in code, where a slip must be a `SessionKitError` like every other, not a `TypeError`.
 */
function checkNames(names: unknown, what: string): asserts names is readonly string[] {
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw invalidArgument(`${what} must be an array of option names (strings), as in ['expiresAt', 'data']`)
  }
}

/**
 * Checks the `expiresAt` / `partExpiresAt` of a write's options; both are optional, as are the
 * options. `extra` names the call's other options, `call` the call (for errors).
 *
 * @example
 * checkWriteOptions({ expiresAt: now + 60_000 })
 */
export function checkWriteOptions(
  options: WriteOptions | undefined,
  extra: readonly string[] = [],
  call = 'deletePart',
): void {
  checkNames(extra, 'checkWriteOptions(options, extra, call): extra')
  if (options === undefined) return
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('write options must be an object')
  checkOptionKeys(options, extra.length === 0 ? WRITE_KEYS : [...WRITE_KEYS, ...extra], call)
  if (options.expiresAt !== undefined) checkTime(options.expiresAt, 'expiresAt')
  if (options.partExpiresAt !== undefined) checkTime(options.partExpiresAt, 'partExpiresAt')
}

/**
 * Checks the arguments of `create`: the id, options with an `expiresAt` after `now` (the store's
 * clock), an optional `tombstoneUntil` time and no other key, and header `data` whose keys are
 * field names (its values are checked as the store serialises them, against its byte limit).
 *
 * @example
 * checkCreateArgs(id, options, clock.now())
 */
export function checkCreateArgs(
  id: unknown,
  options: unknown,
  now: number,
): asserts options is CreateOptions {
  assertRecordId(id)
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('create needs options with expiresAt')
  checkOptionKeys(options, ['expiresAt', 'data', 'tombstoneUntil'], 'create')
  const { expiresAt, data, tombstoneUntil } = options as CreateOptions
  checkTime(expiresAt, 'expiresAt')
  if (tombstoneUntil !== undefined) checkTime(tombstoneUntil, 'tombstoneUntil')
  if (expiresAt <= now) {
    throw invalidArgument(`expiresAt (${expiresAt}) must be after now (${now}); pass now + a TTL in ms`)
  }
  if (data !== undefined) checkFields(data, 'data')
}

/**
 * Checks the arguments of `patchMeta` other than the JSON of its values: the id, a patch and
 * `ifData` whose keys are field names, and options with an optional `expiresAt` and no other key.
 *
 * @example
 * checkPatchMetaArgs(id, { plan: 'pro' }, { ifData: { plan: null } })
 */
export function checkPatchMetaArgs(id: unknown, patch: unknown, options: PatchMetaOptions | undefined): void {
  assertRecordId(id)
  checkFields(patch, 'patch')
  if (options === undefined) return
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('patchMeta options must be an object')
  checkOptionKeys(options, ['expiresAt', 'ifData'], 'patchMeta')
  if (options.expiresAt !== undefined) checkTime(options.expiresAt, 'expiresAt')
  if (options.ifData !== undefined) checkFields(options.ifData, 'ifData')
}

/**
 * Checks an optional compare-and-set version: a non-negative integer (0: must not exist yet).
 *
 * @example
 * checkVersion(options.ifVersion)
 */
export function checkVersion(value: unknown): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
    throw invalidArgument(
      `ifVersion must be a non-negative integer (0: must not exist); got ${String(value)}`,
    )
  }
}

/**
 * Checks an integer argument: a safe integer, of at least `min` when given.
 *
 * @example
 * checkInteger(batchSize, 'scan batchSize', 1)
 */
export function checkInteger(value: unknown, what: string, min?: number): asserts value is number {
  if (!Number.isSafeInteger(value) || (min !== undefined && (value as number) < min)) {
    const bound = min === undefined ? '' : ` of at least ${min}`
    throw invalidArgument(`${what} must be an integer${bound}; got ${String(value)}`)
  }
}

/**
 * Checks that `value` is a plain object (a set of fields, `null` prototype allowed) whose keys are
 * valid field names.
 *
 * @example
 * checkFields(patch, 'patch')
 */
export function checkFields(
  value: unknown,
  what: string,
): asserts value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object of fields`)
  }
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) throw invalidArgument(`${what} must be a plain object`)
  for (const key of Object.keys(value)) assertFieldName(key)
}

/**
 * Checks a list of field names (the `fields` of `getMap`, the `delete` of `updateMap`).
 *
 * @example
 * checkFieldNames(fields, 'getMap fields')
 */
export function checkFieldNames(value: unknown, what: string): asserts value is readonly string[] {
  if (!Array.isArray(value)) throw invalidArgument(`${what} must be an array of field names`)
  for (const field of value) assertFieldName(field)
}

/**
 * Checks the options of `setValue`: the write options and an optional `ifVersion`.
 *
 * @example
 * checkSetValueArgs({ ifVersion: 3, expiresAt: now + 60_000 })
 */
export function checkSetValueArgs(options: SetValueOptions | undefined): void {
  checkWriteOptions(options, ['ifVersion'], 'setValue')
  if (options !== undefined) checkVersion(options.ifVersion)
}

/**
 * Checks the arguments of `updateMap` other than the values it sets: an ops object whose `delete`
 * lists field names, whose `set` and `setIfAbsent` are objects of valid field names and whose `incr`
 * maps field names to integers, and the options (`ifVersion`, `maxFields` of at least 0, an integer
 * `maxNumber`, the write options).
 *
 * @example
 * checkUpdateMapArgs({ incr: { qty: 1 } }, { maxNumber: 99 })
 */
export function checkUpdateMapArgs(ops: MapOps, options: UpdateMapOptions | undefined): void {
  if (typeof ops !== 'object' || ops === null) throw invalidArgument('updateMap needs an ops object')
  checkOptionKeys(ops, ['delete', 'set', 'setIfAbsent', 'incr'], 'updateMap')
  checkWriteOptions(options, ['ifVersion', 'maxFields', 'maxNumber'], 'updateMap')
  if (options !== undefined) {
    checkVersion(options.ifVersion)
    if (options.maxFields !== undefined) checkInteger(options.maxFields, 'maxFields', 0)
    if (options.maxNumber !== undefined) checkInteger(options.maxNumber, 'maxNumber')
  }
  if (ops.delete !== undefined) checkFieldNames(ops.delete, 'updateMap delete')
  if (ops.set !== undefined) checkFields(ops.set, 'updateMap set')
  if (ops.setIfAbsent !== undefined) checkFields(ops.setIfAbsent, 'updateMap setIfAbsent')
  if (ops.incr !== undefined) {
    checkFields(ops.incr, 'updateMap incr')
    for (const field of Object.keys(ops.incr)) checkInteger(ops.incr[field], `updateMap incr.${field}`)
  }
}

/**
 * Checks the arguments of `push` other than the entries themselves: an array of values, options with
 * `max` of at least 1, the write options, and an optional idempotency key of 1 to 256 characters
 * with no lone surrogate (two such keys would be one on Redis).
 *
 * @example
 * checkPushArgs(values, { max: 100, idempotencyKey: 'req-1' })
 */
export function checkPushArgs(values: readonly JsonValue[], options: PushOptions): void {
  if (!Array.isArray(values)) throw invalidArgument('push needs an array of values')
  if (typeof options !== 'object' || options === null) throw invalidArgument('push needs options with max')
  checkInteger(options.max, 'push option max', 1)
  checkWriteOptions(options, ['max', 'idempotencyKey'], 'push')
  const key = options.idempotencyKey
  if (
    key !== undefined &&
    (typeof key !== 'string' || key.length === 0 || key.length > 256 || !isWellFormed(key))
  ) {
    throw invalidArgument('idempotencyKey must be a string of 1 to 256 characters with no lone surrogate')
  }
}

/**
 * Checks the indices of `range`: integers, negative counting from the end.
 *
 * @example
 * checkRangeArgs(0, -1)
 */
export function checkRangeArgs(start: number, stop: number): void {
  checkInteger(start, 'range start')
  checkInteger(stop, 'range stop')
}

/**
 * Checks the query of `rangeBySeq`: a `limit` of at least 0 and optional non-negative seq bounds.
 *
 * @example
 * checkSeqQuery({ afterSeq: 10, limit: 50 })
 */
export function checkSeqQuery(query: SeqQuery): void {
  if (typeof query !== 'object' || query === null)
    throw invalidArgument('rangeBySeq needs a query with limit')
  checkOptionKeys(query, ['afterSeq', 'beforeSeq', 'limit', 'newest'], 'rangeBySeq')
  checkInteger(query.limit, 'rangeBySeq limit', 0)
  if (query.afterSeq !== undefined) checkInteger(query.afterSeq, 'afterSeq', 0)
  if (query.beforeSeq !== undefined) checkInteger(query.beforeSeq, 'beforeSeq', 0)
}

/**
 * Checks the options of `scan` (`what` = 'scan') or `count` ('count') and fills in their defaults:
 * the id prefix (`''`: every record) and the batch size.
 *
 * @example
 * const { prefix, batchSize } = checkScanOptions(options, 100, 'scan')
 */
export function checkScanOptions(
  options: unknown,
  defaultBatchSize: number,
  what: 'scan' | 'count',
): { readonly prefix: string; readonly batchSize: number } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidArgument(`${what} options must be an object`)
  }
  const given = (options ?? {}) as { readonly prefix?: unknown; readonly batchSize?: unknown }
  checkOptionKeys(given, what === 'scan' ? ['prefix', 'batchSize'] : ['prefix'], what)
  const prefix = given.prefix ?? ''
  if (typeof prefix !== 'string') throw invalidArgument(`${what} prefix must be a string`)
  const batchSize = given.batchSize ?? defaultBatchSize
  checkInteger(batchSize, `${what} batchSize`, 1)
  return { prefix, batchSize }
}
