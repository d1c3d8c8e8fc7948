import { invalidArgument, SessionKitError } from '../errors.js'
import { assertFieldName, assertPartName } from '../ids.js'
import type { JsonValue, MapOps, MapSnapshot, MapUpdateResult, UpdateMapOptions } from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { checkFields, checkInteger, checkVersion, checkWriteOptions, storeJson } from './memory-input.js'
import { ITEM_OVERHEAD, type MapPart, PART_OVERHEAD, valueBytes } from './memory-record.js'

const EMPTY_ENTRIES: Readonly<Record<string, JsonValue>> = Object.freeze(Object.create(null))
const MISSING: MapSnapshot = Object.freeze({ entries: EMPTY_ENTRIES, version: 0 })

/** Reads a map part, or only `fields` of it. Missing record or part: `{ entries: {}, version: 0 }`. */
export function readMap(
  engine: MemoryEngine,
  id: string,
  name: string,
  fields: readonly string[] | undefined,
): MapSnapshot {
  if (fields !== undefined) {
    if (!Array.isArray(fields)) throw invalidArgument('getMap fields must be an array of field names')
    for (const field of fields) assertFieldName(field)
  }
  const now = engine.now()
  const record = engine.find(id, now)
  if (record === undefined) {
    assertPartName(name)
    return MISSING
  }
  const part = engine.part(record, name, 'map', now)
  if (part === undefined) return MISSING
  if (fields === undefined) return { entries: part.entries, version: part.version }
  const picked: Record<string, JsonValue> = Object.create(null)
  for (const field of fields) {
    const value = part.entries[field]
    if (value !== undefined) picked[field] = value
  }
  return { entries: Object.freeze(picked), version: part.version }
}

/** Applies deletes, then sets, then increments to a map part in one step; any failure changes nothing. */
export function updateMap(
  engine: MemoryEngine,
  id: string,
  name: string,
  ops: MapOps,
  options: UpdateMapOptions = {},
): MapUpdateResult {
  if (typeof ops !== 'object' || ops === null) throw invalidArgument('updateMap needs an ops object')
  checkWriteOptions(options)
  checkVersion(options.ifVersion)
  if (options.maxFields !== undefined) checkInteger(options.maxFields, 'maxFields', 0)
  if (options.maxNumber !== undefined && !Number.isSafeInteger(options.maxNumber)) {
    throw invalidArgument(`maxNumber must be an integer; got ${String(options.maxNumber)}`)
  }
  const deletes = ops.delete ?? []
  if (!Array.isArray(deletes)) throw invalidArgument('updateMap delete must be an array of field names')
  for (const field of deletes) assertFieldName(field)
  const sets = ops.set ?? {}
  checkFields(sets, 'updateMap set')
  const incrs = ops.incr ?? {}
  checkFields(incrs, 'updateMap incr')
  for (const field of Object.keys(incrs)) {
    if (!Number.isSafeInteger(incrs[field])) {
      throw invalidArgument(`updateMap incr.${field} must be an integer; got ${String(incrs[field])}`)
    }
  }
  const maxBytes = engine.options.maxValueBytes
  const stored = Object.keys(sets).map(
    (field) => [field, storeJson(sets[field], maxBytes, `map field "${field}"`)] as const,
  )

  const now = engine.now()
  const record = engine.require(id, now)
  const part = engine.part(record, name, 'map', now)
  const current = part?.entries ?? EMPTY_ENTRIES
  const version = part?.version ?? 0
  const count = part?.count ?? 0
  if (
    options.ifVersion !== undefined &&
    (options.ifVersion === 0 ? count !== 0 : options.ifVersion !== version)
  ) {
    return { ok: false, version }
  }

  const next: Record<string, JsonValue> = Object.assign(Object.create(null), current)
  let fields = count
  let delta = part === undefined ? PART_OVERHEAD + name.length : 0
  const drop = (field: string): void => {
    const old = next[field]
    if (old === undefined) return
    delta -= valueBytes(old) + field.length + ITEM_OVERHEAD
    delete next[field]
    fields--
  }
  for (const field of deletes) drop(field)
  for (const [field, value] of stored) {
    drop(field)
    next[field] = value.value
    delta += value.bytes + field.length + ITEM_OVERHEAD
    fields++
  }
  const numbers: Record<string, number> = Object.create(null)
  for (const field of Object.keys(incrs)) {
    const base = next[field] ?? 0
    if (!Number.isSafeInteger(base)) {
      throw invalidArgument(
        `map field "${field}" of part "${name}" holds ${JSON.stringify(base)}; incr needs an integer field`,
      )
    }
    const result = (base as number) + incrs[field]!
    if (options.maxNumber !== undefined && result > options.maxNumber) {
      throw new SessionKitError(
        'LIMIT_EXCEEDED',
        `map field "${field}" would reach ${result}, more than maxNumber ${options.maxNumber}; nothing was changed`,
        { details: { part: name, field, value: result, maxNumber: options.maxNumber } },
      )
    }
    drop(field)
    next[field] = result
    numbers[field] = result
    delta += valueBytes(result) + field.length + ITEM_OVERHEAD
    fields++
  }
  if (options.maxFields !== undefined && fields > options.maxFields) {
    throw new SessionKitError(
      'LIMIT_EXCEEDED',
      `map part "${name}" would hold ${fields} fields, more than maxFields ${options.maxFields}; nothing was changed`,
      { details: { part: name, fields, maxFields: options.maxFields } },
    )
  }
  engine.checkBytes(record, delta)

  let target: MapPart | undefined = part
  if (target === undefined) {
    target = { kind: 'map', entries: EMPTY_ENTRIES, count: 0, version: 0, expiresAt: undefined, bytes: 0 }
    engine.putPart(record, name, target)
  }
  target.entries = Object.freeze(next)
  target.count = fields
  target.version = version + 1
  target.bytes += delta
  if (options.partExpiresAt !== undefined) engine.setPartExpiry(record, target, options.partExpiresAt)
  if (options.expiresAt !== undefined) engine.setExpiry(record, options.expiresAt)
  engine.addBytes(record, delta)
  return { ok: true, version: target.version, numbers: Object.freeze(numbers) }
}
