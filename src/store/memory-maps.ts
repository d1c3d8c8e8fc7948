import { checkFieldNames, checkUpdateMapArgs } from './arguments.js'
import type { JsonValue, MapOps, MapSnapshot, MapUpdateResult, UpdateMapOptions } from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { fieldBytes, type StoredJson, storeJson } from './memory-input.js'
import { type MapPart, PART_OVERHEAD } from './memory-record.js'
import { valueBytes } from './memory-size.js'
import { mapFieldsLimit, mapNumberLimit, notAnInteger } from './store-errors.js'

const EMPTY_ENTRIES: Readonly<Record<string, JsonValue>> = Object.freeze(Object.create(null))
const MISSING: MapSnapshot = Object.freeze({ entries: EMPTY_ENTRIES, version: 0 })

/** Reads a map part, or only `fields` of it. Missing record or part: `{ entries: {}, version: 0 }`. */
export function readMap(
  engine: MemoryEngine,
  id: string,
  name: string,
  fields: readonly string[] | undefined,
): MapSnapshot {
  if (fields !== undefined) checkFieldNames(fields, 'getMap fields')
  const part = engine.readPart(id, name, 'map')
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
  checkUpdateMapArgs(ops, options)
  const deletes = ops.delete ?? []
  const maxBytes = engine.options.maxValueBytes
  const sets = storedFields(ops.set, maxBytes)
  const absent = storedFields(ops.setIfAbsent, maxBytes)
  const incrs = ops.incr ?? {}

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
  // Overwriting keeps a field's place, so fields stay in the order they were first added.
  const put = (field: string, value: JsonValue, bytes: number): void => {
    const old = next[field]
    if (old === undefined) fields++
    else delta -= fieldBytes(field, valueBytes(old))
    next[field] = value
    delta += fieldBytes(field, bytes)
  }
  for (const field of deletes) {
    const old = next[field]
    if (old === undefined) continue
    delta -= fieldBytes(field, valueBytes(old))
    delete next[field]
    fields--
  }
  for (const [field, value] of sets) put(field, value.value, value.bytes)
  for (const [field, value] of absent) if (next[field] === undefined) put(field, value.value, value.bytes)
  const numbers: Record<string, number> = Object.create(null)
  for (const field of Object.keys(incrs)) {
    const base = next[field] === undefined ? 0 : next[field]
    if (!Number.isSafeInteger(base)) throw notAnInteger(id, name, field)
    const result = (base as number) + incrs[field]!
    if (options.maxNumber !== undefined && result > options.maxNumber) {
      throw mapNumberLimit(id, name, field, options.maxNumber)
    }
    put(field, result, valueBytes(result))
    numbers[field] = result
  }
  if (options.maxFields !== undefined && fields > options.maxFields) {
    throw mapFieldsLimit(id, name, options.maxFields)
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
  // Stored values are frozen: handed out as they are.
  const kept: Record<string, JsonValue> = Object.create(null)
  for (const [field] of absent) kept[field] = next[field]!
  return { ok: true, version: target.version, numbers: Object.freeze(numbers), kept: Object.freeze(kept) }
}

/** The values of a `set` or `setIfAbsent` (field names checked by `checkUpdateMapArgs`), checked and stored. */
function storedFields(
  fields: Readonly<Record<string, JsonValue>> | undefined,
  maxBytes: number,
): ReadonlyArray<readonly [string, StoredJson]> {
  if (fields === undefined) return []
  return Object.keys(fields).map(
    (field) => [field, storeJson(fields[field], maxBytes, 'map field value')] as const,
  )
}
