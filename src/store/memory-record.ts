import type { JsonValue, ListEntry, RecordMeta, Versioned } from './contract.js'

/** A value part: the current `{ value, version }`, frozen, handed to readers as is. */
export interface ValuePart {
  readonly kind: 'value'
  current: Versioned
  /** The part's own expiry (epoch ms), or `undefined` to follow its record. */
  expiresAt: number | undefined
  bytes: number
}

/**
 * A list part. Sequence numbers of the entries are consecutive (the oldest fall off the front), so
 * an entry's index is `seq - entries[0].seq`. A deleted or expired list stays as a tombstone
 * (`live: false`, no entries) so its sequence counter is never reused.
 */
export interface ListPart {
  readonly kind: 'list'
  live: boolean
  entries: ListEntry[]
  /** Estimated bytes of each entry, parallel to `entries`. */
  sizes: number[]
  lastSeq: number
  /** Idempotency key -> [firstSeq, lastSeq] of the push that used it, oldest first. */
  keys: Map<string, readonly [number, number]> | undefined
  expiresAt: number | undefined
  bytes: number
}

/** A map part: a frozen, prototype-free object replaced on every update (copy on write). */
export interface MapPart {
  readonly kind: 'map'
  entries: Readonly<Record<string, JsonValue>>
  count: number
  version: number
  expiresAt: number | undefined
  bytes: number
}

export type Part = ValuePart | ListPart | MapPart

/**
 * One record. Kept lean because a store holds up to a million of them: no part map until a part
 * exists, and nothing cached per record (no promise, no header object): a read builds its answer.
 */
export interface MemoryRecord {
  readonly id: string
  readonly createdAt: number
  expiresAt: number
  data: Readonly<Record<string, JsonValue>>
  parts: Map<string, Part> | undefined
  /** The expiry bucket the record is filed in (see expiry-buckets.ts). */
  bucket: number
  /** Estimated bytes of the whole record, parts included. */
  bytes: number
  /** When the record was last used, as a count of uses: orders sessions and user scopes for byte eviction. */
  used: number
}

/** Fixed bytes counted for a record besides its id, data and parts (object, LRU slot, bucket slot). */
export const RECORD_OVERHEAD = 200
/** Fixed bytes counted per part besides its name and content. */
export const PART_OVERHEAD = 100
/** Fixed bytes counted per header fact besides its name and value (a property of a small object). */
export const FACT_OVERHEAD = 80
/** Fixed bytes counted per list entry or map field besides its JSON (slots, entry object). */
export const ITEM_OVERHEAD = 256
/** Fixed bytes counted per remembered idempotency key besides its length (map entry, sequence pair). */
export const KEY_OVERHEAD = 160

/**
 * A shared empty header, so records without data hold no object of their own. Headers are plain
 * objects, not prototype-free ones: the facade reads `data.u` on every `get`, and property reads on
 * prototype-free (dictionary-mode) objects cost several times more. Field names are checked with
 * `assertFieldName`, so no `__proto__` key can reach them; readers use `Object.hasOwn`.
 */
export const EMPTY_DATA: Readonly<Record<string, JsonValue>> = Object.freeze({})

/** A frozen plain-object copy of checked header fields. */
export function headerData(fields: Readonly<Record<string, JsonValue>>): Readonly<Record<string, JsonValue>> {
  return Object.keys(fields).length === 0 ? EMPTY_DATA : Object.freeze({ ...fields })
}

/** Makes a record with no parts. */
export function newRecord(
  id: string,
  createdAt: number,
  expiresAt: number,
  data: Readonly<Record<string, JsonValue>>,
  dataBytes: number,
): MemoryRecord {
  return {
    id,
    createdAt,
    expiresAt,
    data,
    parts: undefined,
    bucket: 0,
    bytes: RECORD_OVERHEAD + id.length + dataBytes,
    used: 0,
  }
}

/** The read-only header readers get. */
export function metaOf(record: MemoryRecord): RecordMeta {
  return Object.freeze(headerOf(record))
}

/**
 * A new header of `record`, not frozen: the caller's own object, sharing only `data` (frozen) with
 * the store. What `metaNow` answers, for the facade's `kit.get`, which never hands it on.
 */
export function headerOf(record: MemoryRecord): RecordMeta {
  return {
    id: record.id,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    data: record.data,
  }
}

/** Minimal structural equality for JSON values (key order does not matter). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ra = a as Record<string, JsonValue>
  const rb = b as Record<string, JsonValue>
  const ka = Object.keys(ra)
  if (ka.length !== Object.keys(rb).length) return false
  for (const k of ka) {
    if (!Object.hasOwn(rb, k) || !jsonEqual(ra[k], rb[k])) return false
  }
  return true
}
