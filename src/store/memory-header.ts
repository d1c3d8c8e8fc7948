import { assertPartName } from '../ids.js'
import { checkCreateArgs, checkPatchMetaArgs, checkWriteOptions } from './arguments.js'
import type { CreateOptions, JsonValue, PatchMetaOptions, RecordMeta, WriteOptions } from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { factBytes, storeFields } from './memory-input.js'
import { EMPTY_DATA, headerData, jsonEqual, metaOf, newRecord } from './memory-record.js'
import { valueBytes } from './memory-size.js'

/** Makes record `id`; `false` (nothing changed) when a live record or a live tombstone holds the id. */
export function createRecord(engine: MemoryEngine, id: string, options: CreateOptions): boolean {
  const now = engine.now()
  checkCreateArgs(id, options, now)
  let data = EMPTY_DATA
  let dataBytes = 0
  if (options.data !== undefined) {
    const stored = storeFields(options.data, engine.options.maxValueBytes, 'data')
    data = headerData(stored.fields)
    for (const key in stored.bytes) dataBytes += stored.bytes[key]!
  }
  if (engine.find(id, now) !== undefined || engine.tombstoned(id, now)) return false
  const record = newRecord(id, now, options.expiresAt, data, dataBytes)
  engine.checkBytes(record, 0)
  engine.insert(record)
  if (options.tombstoneUntil !== undefined) engine.tombstone(id, options.tombstoneUntil)
  return true
}

/** Patches header facts (`null` removes one); `undefined` when an `ifData` condition fails. */
export function patchRecordMeta(
  engine: MemoryEngine,
  id: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: PatchMetaOptions = {},
): RecordMeta | undefined {
  checkPatchMetaArgs(id, patch, options)
  const maxBytes = engine.options.maxValueBytes
  const changes = storeFields(patch, maxBytes, 'patch')
  const conditions =
    options.ifData === undefined ? undefined : storeFields(options.ifData, maxBytes, 'ifData').fields
  const now = engine.now()
  const record = engine.require(id, now)
  if (conditions !== undefined) {
    for (const key in conditions) {
      const expected = conditions[key]
      const actual = Object.hasOwn(record.data, key) ? record.data[key] : undefined
      if (expected === null ? actual !== undefined : !jsonEqual(actual, expected)) return undefined
    }
  }
  const next: Record<string, JsonValue> = { ...record.data }
  // Only changed fields move the size: an old value is measured again, a new one was measured when stored.
  let delta = 0
  for (const key in changes.fields) {
    const value = changes.fields[key]!
    if (Object.hasOwn(next, key)) delta -= factBytes(key, valueBytes(next[key]!))
    if (value === null) delete next[key]
    else {
      next[key] = value
      delta += changes.bytes[key]!
    }
  }
  engine.checkBytes(record, delta)
  record.data = headerData(next)
  if (options.expiresAt !== undefined) engine.setExpiry(record, options.expiresAt)
  engine.addBytes(record, delta)
  return metaOf(record)
}

/** Removes part `name` of record `id` (a list keeps its sequence counter); `NOT_FOUND` for a missing record. */
export function deleteRecordPart(
  engine: MemoryEngine,
  id: string,
  name: string,
  options?: WriteOptions,
): void {
  checkWriteOptions(options)
  const now = engine.now()
  const record = engine.require(id, now)
  const part = record.parts?.get(name)
  if (part === undefined) assertPartName(name)
  else if (part.kind !== 'list' || part.live) engine.dropPart(record, name, part)
  if (options?.expiresAt !== undefined) engine.setExpiry(record, options.expiresAt)
}
