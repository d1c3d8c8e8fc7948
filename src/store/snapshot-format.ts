import { assertFieldName, assertPartName, assertRecordId } from '../ids.js'
import type { JsonValue, ListEntry } from './contract.js'
import {
  deepFreeze,
  headerData,
  ITEM_OVERHEAD,
  type ListPart,
  type MemoryRecord,
  newRecord,
  PART_OVERHEAD,
  type Part,
  valueBytes,
} from './memory-record.js'

/** The `format` named in a snapshot's first line. */
export const SNAPSHOT_FORMAT = 'sessionkit-memory-snapshot'
/** The snapshot layout version this code writes and reads. */
export const SNAPSHOT_VERSION = 1

type Json = Record<string, JsonValue>

/** One record as a line of the snapshot (no newline). */
export function encodeRecord(record: MemoryRecord): string {
  const parts: Record<string, Json> = {}
  if (record.parts !== undefined) {
    for (const [name, part] of record.parts) parts[name] = encodePart(part)
  }
  return JSON.stringify({
    id: record.id,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    data: record.data,
    parts,
  })
}

function encodePart(part: Part): Json {
  const expiry: Json = part.expiresAt === undefined ? {} : { expiresAt: part.expiresAt }
  switch (part.kind) {
    case 'value':
      return { kind: 'value', value: part.current.value, version: part.current.version, ...expiry }
    case 'map':
      return { kind: 'map', entries: part.entries, version: part.version, ...expiry }
    case 'list':
      return {
        kind: 'list',
        live: part.live,
        lastSeq: part.lastSeq,
        values: part.entries.map((e) => e.value),
        keys: part.keys === undefined ? [] : [...part.keys].map(([k, [f, l]]) => [k, f, l]),
        ...expiry,
      }
  }
}

/**
 * Rebuilds a record from its snapshot line, dropping parts expired by `now`; `undefined` when the
 * record itself has expired. Throws an `Error` saying what is wrong (the caller adds the line number).
 */
export function decodeRecord(line: string, now: number): MemoryRecord | undefined {
  const raw = object(JSON.parse(line), 'record')
  assertRecordId(raw.id)
  const createdAt = time(raw.createdAt, 'createdAt')
  const expiresAt = time(raw.expiresAt, 'expiresAt')
  if (expiresAt <= now) return undefined
  const data = object(raw.data, 'data')
  let dataBytes = 0
  for (const key of Object.keys(data)) {
    assertFieldName(key)
    dataBytes += key.length + valueBytes(data[key]!)
  }
  const record = newRecord(raw.id, createdAt, expiresAt, headerData(deepFreeze(data)), dataBytes)
  const parts = object(raw.parts, 'parts')
  for (const name of Object.keys(parts)) {
    assertPartName(name)
    const part = decodePart(object(parts[name], `part ${name}`), name, now)
    if (part === undefined) continue
    record.parts ??= new Map()
    record.parts.set(name, part)
    record.bytes += part.bytes
  }
  return record
}

function decodePart(raw: Json, name: string, now: number): Part | undefined {
  const expiresAt = raw.expiresAt === undefined ? undefined : time(raw.expiresAt, 'part expiresAt')
  const expired = expiresAt !== undefined && expiresAt <= now
  const overhead = PART_OVERHEAD + name.length
  switch (raw.kind) {
    case 'value': {
      if (expired) return undefined
      const value = deepFreeze(raw.value as JsonValue)
      if (value === undefined) throw new Error(`part ${name} has no value`)
      const current = Object.freeze({ value, version: count(raw.version, 'version', 1) })
      return { kind: 'value', current, expiresAt, bytes: overhead + valueBytes(value) }
    }
    case 'map': {
      if (expired) return undefined
      const entries = object(raw.entries, `part ${name} entries`)
      let bytes = overhead
      for (const field of Object.keys(entries)) {
        assertFieldName(field)
        bytes += field.length + valueBytes(entries[field]!) + ITEM_OVERHEAD
      }
      const frozen = deepFreeze(Object.assign(Object.create(null), entries))
      const version = count(raw.version, 'version', 1)
      return { kind: 'map', entries: frozen, count: Object.keys(entries).length, version, expiresAt, bytes }
    }
    case 'list':
      return decodeList(raw, name, expired ? undefined : expiresAt, expired, overhead)
    default:
      throw new Error(`part ${name} has an unknown kind ${JSON.stringify(raw.kind)}`)
  }
}

function decodeList(
  raw: Json,
  name: string,
  expiresAt: number | undefined,
  expired: boolean,
  overhead: number,
): ListPart {
  const lastSeq = count(raw.lastSeq, 'lastSeq', 0)
  const values = raw.values
  if (!Array.isArray(values) || values.length > lastSeq) throw new Error(`part ${name} has bad values`)
  const keys = raw.keys
  if (!Array.isArray(keys)) throw new Error(`part ${name} has bad keys`)
  const live = raw.live !== false && !expired
  const part: ListPart = {
    kind: 'list',
    live,
    entries: [],
    sizes: [],
    lastSeq,
    keys: undefined,
    expiresAt: live ? expiresAt : undefined,
    bytes: overhead,
  }
  if (!live) return part
  const first = lastSeq - values.length + 1
  for (let i = 0; i < values.length; i++) {
    const value = deepFreeze(values[i] as JsonValue)
    const size = valueBytes(value) + ITEM_OVERHEAD
    part.entries.push(Object.freeze({ seq: first + i, value }) as ListEntry)
    part.sizes.push(size)
    part.bytes += size
  }
  for (const entry of keys) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`part ${name} has a bad key`)
    part.keys ??= new Map()
    part.keys.set(entry[0], [count(entry[1], 'key seq', 1), count(entry[2], 'key seq', 1)])
  }
  return part
}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`)
  return value as Json
}

function time(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${what} is not a number`)
  return value
}

function count(value: unknown, what: string, min: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min)
    throw new Error(`${what} is not an integer >= ${min}`)
  return value as number
}
