import { assertPartName, assertRecordId } from '../ids.js'
import type { JsonValue } from './contract.js'
import type { ListPart, MapPart, MemoryRecord, Part } from './memory-record.js'
import {
  addEntry,
  addField,
  buildRecord,
  buildValue,
  count,
  finishMap,
  object,
  startList,
  startMap,
  time,
} from './snapshot-parts.js'

/** Turns the record lines of a snapshot into records, one line at a time. */
export interface RecordDecoder {
  /**
   * Takes the next line (the check lines and the trailer excluded) and its UTF-8 size. Returns the
   * record it completes, `null` when the completed record had expired, or `undefined` when the
   * record needs more lines. Throws an `Error` saying what is wrong with the line.
   */
  line(text: string, bytes: number): MemoryRecord | null | undefined
  /** True between records, where a chunk check or the trailer may come. */
  readonly idle: boolean
}

/** A decoder for layout version 2 (see snapshot-format.ts). */
export function createV2Decoder(now: number): RecordDecoder {
  let record: MemoryRecord | undefined
  let partsLeft = 0
  let list: { name: string; part: ListPart; keep: boolean; total: number; left: number } | undefined
  let map: { name: string; part: MapPart | undefined; left: number } | undefined

  function attach(name: string, part: Part | undefined): MemoryRecord | null | undefined {
    const r = record!
    if (part !== undefined) {
      r.parts ??= new Map()
      r.parts.set(name, part)
      r.bytes += part.bytes
    }
    if (--partsLeft > 0) return undefined
    record = undefined
    return r.expiresAt <= now ? null : r
  }

  function header(raw: Readonly<Record<string, JsonValue>>): MemoryRecord | null | undefined {
    if (raw.record === undefined) throw new Error('a record line was expected')
    assertRecordId(raw.record)
    const createdAt = time(raw.createdAt, 'createdAt')
    const expiresAt = time(raw.expiresAt, 'expiresAt')
    record = buildRecord(raw.record, createdAt, expiresAt, object(raw.data, 'data'))
    partsLeft = count(raw.parts, 'parts', 0)
    if (partsLeft > 0) return undefined
    const done = record
    record = undefined
    return done.expiresAt <= now ? null : done
  }

  function part(raw: Readonly<Record<string, JsonValue>>): MemoryRecord | null | undefined {
    const name = raw.part
    assertPartName(name)
    if (record!.parts?.has(name) === true) throw new Error(`part ${name} appears twice`)
    switch (raw.kind) {
      case 'value':
        return attach(name, buildValue(raw, name, now))
      case 'list': {
        const total = count(raw.entries, 'entries', 0)
        const started = startList(raw, name, total, now)
        if (total === 0) return attach(name, started.part)
        list = { name, ...started, total, left: total }
        return undefined
      }
      case 'map': {
        const fields = count(raw.fields, 'fields', 0)
        const started = startMap(raw, name, now)
        if (fields === 0) return attach(name, started === undefined ? undefined : finishMap(started))
        map = { name, part: started, left: fields }
        return undefined
      }
      default:
        throw new Error(`part ${name} has an unknown kind ${JSON.stringify(raw.kind)}`)
    }
  }

  return {
    line(text, bytes) {
      const value: JsonValue = JSON.parse(text)
      if (list !== undefined) {
        if (list.keep) addEntry(list.part, list.total, value, bytes)
        if (--list.left > 0) return undefined
        const done = list
        list = undefined
        return attach(done.name, done.part)
      }
      if (map !== undefined) {
        if (!Array.isArray(value) || value.length !== 2) throw new Error('a map field line was expected')
        if (map.part !== undefined) addField(map.part, value[0], value[1] as JsonValue)
        if (--map.left > 0) return undefined
        const done = map
        map = undefined
        return attach(done.name, done.part === undefined ? undefined : finishMap(done.part))
      }
      const raw = object(value, 'the line')
      return record === undefined ? header(raw) : part(raw)
    },
    get idle() {
      return record === undefined
    },
  }
}

/**
 * Rebuilds a record from its layout-version-1 line (the whole record in one JSON object), dropping
 * parts expired by `now`; `null` when the record itself has expired.
 */
export function decodeV1Record(text: string, now: number): MemoryRecord | null {
  const raw = object(JSON.parse(text), 'record')
  assertRecordId(raw.id)
  const expiresAt = time(raw.expiresAt, 'expiresAt')
  if (expiresAt <= now) return null
  const record = buildRecord(raw.id, time(raw.createdAt, 'createdAt'), expiresAt, object(raw.data, 'data'))
  const parts = object(raw.parts, 'parts')
  for (const name of Object.keys(parts)) {
    assertPartName(name)
    const part = v1Part(object(parts[name], `part ${name}`), name, now)
    if (part === undefined) continue
    record.parts ??= new Map()
    record.parts.set(name, part)
    record.bytes += part.bytes
  }
  return record
}

function v1Part(raw: Readonly<Record<string, JsonValue>>, name: string, now: number): Part | undefined {
  switch (raw.kind) {
    case 'value':
      return buildValue(raw, name, now)
    case 'map': {
      const part = startMap(raw, name, now)
      if (part === undefined) return undefined
      const entries = object(raw.entries, `part ${name} entries`)
      for (const field of Object.keys(entries)) addField(part, field, entries[field]!)
      return finishMap(part)
    }
    case 'list': {
      const values = raw.values
      if (!Array.isArray(values)) throw new Error(`part ${name} has bad values`)
      const { part, keep } = startList(raw, name, values.length, now)
      if (keep) {
        for (const value of values as readonly JsonValue[]) {
          addEntry(part, values.length, value, Buffer.byteLength(JSON.stringify(value), 'utf8'))
        }
      }
      return part
    }
    default:
      throw new Error(`part ${name} has an unknown kind ${JSON.stringify(raw.kind)}`)
  }
}
