import { assertFieldName } from '../ids.js'
import { deepFreeze } from '../util/deep-freeze.js'
import type { JsonValue, ListEntry } from './contract.js'
import { factBytes, fieldBytes } from './memory-input.js'
import { keyBytes } from './memory-lists.js'
import {
  headerData,
  ITEM_OVERHEAD,
  type ListPart,
  type MapPart,
  type MemoryRecord,
  newRecord,
  PART_OVERHEAD,
  type ValuePart,
} from './memory-record.js'
import { heapOverhead, valueBytes } from './memory-size.js'

// Rebuilding records and parts from what a snapshot says, for every layout version. Each builder
// counts bytes exactly as the live store does, so a restored store is as full as the saved one.
// Problems are plain `Error`s saying what is wrong; the reader adds the file and line.

type Json = Readonly<Record<string, JsonValue>>

/** A record from its header facts; `data` keys are checked and its values frozen. */
export function buildRecord(id: string, createdAt: number, expiresAt: number, data: Json): MemoryRecord {
  let dataBytes = 0
  for (const key of Object.keys(data)) {
    assertFieldName(key)
    dataBytes += factBytes(key, valueBytes(data[key]!))
  }
  return newRecord(id, createdAt, expiresAt, headerData(deepFreeze({ ...data })), dataBytes)
}

/** A value part; `undefined` when it expired by `now`. */
export function buildValue(raw: Json, name: string, now: number): ValuePart | undefined {
  const expiresAt = partExpiry(raw)
  if (expiresAt !== undefined && expiresAt <= now) return undefined
  if (raw.value === undefined) throw new Error(`part ${name} has no value`)
  const value = deepFreeze(raw.value as JsonValue)
  const current = Object.freeze({ value, version: count(raw.version, 'version', 1) })
  return { kind: 'value', current, expiresAt, bytes: PART_OVERHEAD + name.length + valueBytes(value) }
}

/**
 * A list part without its entries (add them with {@link addEntry}). An expired list comes back as
 * a tombstone that keeps its sequence counter, as in the live store; `keep` then says to skip
 * the entries.
 */
export function startList(
  raw: Json,
  name: string,
  entries: number,
  now: number,
): { readonly part: ListPart; readonly keep: boolean } {
  const lastSeq = count(raw.lastSeq, 'lastSeq', 0)
  if (entries > lastSeq) throw new Error(`part ${name} holds more entries than its lastSeq`)
  const expiresAt = partExpiry(raw)
  const live = raw.live !== false && (expiresAt === undefined || expiresAt > now)
  const part: ListPart = {
    kind: 'list',
    live,
    entries: [],
    sizes: [],
    lastSeq,
    keys: undefined,
    expiresAt: live ? expiresAt : undefined,
    bytes: PART_OVERHEAD + name.length,
  }
  if (!live) return { part, keep: false }
  const keys = raw.keys
  if (!Array.isArray(keys)) throw new Error(`part ${name} has bad keys`)
  for (const entry of keys as readonly JsonValue[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`part ${name} has a bad key`)
    part.keys ??= new Map()
    part.keys.set(entry[0], [count(entry[1], 'key seq', 1), count(entry[2], 'key seq', 1)])
    part.bytes += keyBytes(entry[0])
  }
  return { part, keep: true }
}

/**
 * Appends the next of a list's `total` entries to a part from {@link startList}; `jsonBytes` is
 * the UTF-8 size of the entry's JSON text (the line it was read from).
 */
export function addEntry(part: ListPart, total: number, value: JsonValue, jsonBytes: number): void {
  const seq = part.lastSeq - total + part.entries.length + 1
  const size = jsonBytes + heapOverhead(value) + ITEM_OVERHEAD
  part.entries.push(Object.freeze({ seq, value: deepFreeze(value) }) as ListEntry)
  part.sizes.push(size)
  part.bytes += size
}

/** A map part without its fields (add them with {@link addField}); `undefined` when expired. */
export function startMap(raw: Json, name: string, now: number): MapPart | undefined {
  const expiresAt = partExpiry(raw)
  if (expiresAt !== undefined && expiresAt <= now) return undefined
  return {
    kind: 'map',
    entries: Object.create(null),
    count: 0,
    version: count(raw.version, 'version', 1),
    expiresAt,
    bytes: PART_OVERHEAD + name.length,
  }
}

/** Adds one field to a map from {@link startMap}; call {@link finishMap} after the last. */
export function addField(part: MapPart, field: unknown, value: JsonValue): void {
  assertFieldName(field)
  const entries = part.entries as Record<string, JsonValue>
  if (entries[field] !== undefined) throw new Error(`field ${field} appears twice`)
  entries[field] = deepFreeze(value)
  part.count++
  part.bytes += fieldBytes(field, valueBytes(value))
}

/** Freezes a map's fields once they are all in. */
export function finishMap(part: MapPart): MapPart {
  Object.freeze(part.entries)
  return part
}

/** An object-valued field of a line, or an error naming it. */
export function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`)
  return value as Json
}

/** A finite number (an epoch-ms time), or an error naming it. */
export function time(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} is not a number`)
  return value
}

/** A safe integer of at least `min`, or an error naming it. */
export function count(value: unknown, what: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    throw new Error(`${what} is not an integer >= ${min}`)
  return value as number
}

function partExpiry(raw: Json): number | undefined {
  return raw.expiresAt === undefined ? undefined : time(raw.expiresAt, 'part expiresAt')
}
