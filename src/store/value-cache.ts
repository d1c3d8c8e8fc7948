import { deepFreeze } from '../util/deep-freeze.js'
import { deepMerge } from '../util/deep-merge.js'
import type { JsonValue } from './contract.js'
import { mergeJsonText } from './merge-text.js'

type JsonObject = Readonly<Record<string, JsonValue>>

/**
 * The last JSON text this process read or wrote for value parts, bounded in bytes, so a shared
 * store's `mergeValue` can merge on the client (merge-text.ts) and send the result with the text it
 * started from: the server (a Redis script, a PostgreSQL function) stores it only when that text is
 * still the stored one, and merges itself otherwise. An entry is never trusted, only compared, so a stale one costs a server-side merge and
 * nothing else. Beside a text it merged, the cache keeps the deep-frozen value it returned for it,
 * so the next merge builds its value from that one (see {@link mergedValue}) instead of parsing the
 * merged text. A record's entries are dropped when this process deletes or renames it, and a part's when
 * it deletes the part.
 */
export interface ValueCache {
  /**
   * The text last seen for the part of the record `header` names (its id, or its Redis header
   * key), with the deep-frozen value kept beside it when a merge left one; undefined when none.
   */
  entry(header: string, part: string): Entry | undefined
  /**
   * Remembers `text` for the part, with `value` (deep-frozen, equal to the text's value) when the
   * caller has one; its record becomes the newest, the oldest leave past the budget.
   */
  set(header: string, part: string, text: string, value?: JsonObject): void
  /** Forgets one part. */
  delete(header: string, part: string): void
  /** Forgets every part of the record. */
  deleteRecord(header: string): void
}

/** Bytes counted per part beyond its name and text (a Map entry, the entry object, two string headers). */
const ENTRY_OVERHEAD = 96

/** A part's text and, when kept, its value (counted as much again as the text: members, strings, headers). */
export interface Entry {
  readonly text: string
  readonly value: JsonObject | undefined
}

/**
 * A cache of at most `maxBytes` (UTF-16 code units x 2 plus a fixed cost per part), records
 * evicted oldest first; `0` keeps nothing.
 *
 * @example
 * const values = createValueCache(4_194_304); values.set('{sk:abc}', 'preferences', '{"theme":"dark"}')
 */
export function createValueCache(maxBytes: number): ValueCache {
  // Insertion order is age: a write moves the record to the end, eviction takes the front.
  const records = new Map<string, Map<string, Entry>>()
  let bytes = 0
  const size = (header: string, part: string, { text, value }: Entry) =>
    2 * (header.length + part.length + text.length * (value === undefined ? 1 : 2)) + ENTRY_OVERHEAD
  const dropRecord = (header: string) => {
    const parts = records.get(header)
    if (parts === undefined) return
    records.delete(header)
    for (const [part, entry] of parts) bytes -= size(header, part, entry)
  }
  const dropPart = (header: string, part: string) => {
    const parts = records.get(header)
    const entry = parts?.get(part)
    if (parts === undefined || entry === undefined) return
    parts.delete(part)
    bytes -= size(header, part, entry)
    if (parts.size === 0) records.delete(header)
  }
  return {
    entry: (header, part) => records.get(header)?.get(part),
    set(header, part, text, value) {
      dropPart(header, part)
      const entry: Entry = { text, value }
      const cost = size(header, part, entry)
      // A text past a quarter of the budget would push out most of it for one part.
      if (cost * 4 > maxBytes) return
      const parts = records.get(header) ?? new Map<string, Entry>()
      records.delete(header)
      records.set(header, parts)
      parts.set(part, entry)
      bytes += cost
      if (bytes <= maxBytes) return
      for (const oldest of records.keys()) {
        if (bytes <= maxBytes) break
        dropRecord(oldest)
      }
    },
    delete: dropPart,
    deleteRecord: dropRecord,
  }
}

/** A merge done on this process's copy of a part: the text it started from, the text to send, and its value when known. */
export interface ClientMerge {
  readonly base: string
  readonly text: string
  readonly value: JsonObject | undefined
}

/**
 * The client half of a shared store's `mergeValue`, when this process holds the part's text: the
 * patch merged into it (merge-text.ts, the server's merge byte for byte) and, when the value
 * returned for that text is kept beside it, the merged value built from that one rather than
 * parsed from the merged text later.
 */
export function mergeOnClient(
  values: ValueCache,
  header: string,
  part: string,
  patchText: string,
): ClientMerge | undefined {
  const kept = values.entry(header, part)
  if (kept === undefined) return undefined
  return {
    base: kept.text,
    text: mergeJsonText(kept.text, patchText),
    value: kept.value === undefined ? undefined : mergedValue(kept.value, patchText),
  }
}

/**
 * The JSON merge patch of `patchText` into the deep-frozen `base`, deep-frozen: equal, member for
 * member and in order, to the parse of `mergeJsonText` of their texts. It shares every member the
 * patch leaves alone (already frozen, so freezing the result walks only what changed), and the
 * patch's values are parsed from its text, so none is the caller's object.
 *
 * @example
 * mergedValue(deepFreeze({ a: 1, b: { c: 2 } }), '{"b":{"c":null,"d":3}}') // { a: 1, b: { d: 3 } }
 */
export function mergedValue(base: JsonObject, patchText: string): JsonObject {
  return deepFreeze(deepMerge(base, JSON.parse(patchText) as JsonObject))
}

/**
 * Ends a shared store's `mergeValue`: remembers what was stored, the client's merge (its text was
 * still the stored one) or the text the server merged itself, and returns the merged value as
 * callers get it from every store, deep-frozen: the one the client merge built when it has one,
 * else the parse of the stored text.
 */
export function rememberMerge(
  values: ValueCache,
  header: string,
  part: string,
  stored: ClientMerge | string,
): JsonObject {
  const text = typeof stored === 'string' ? stored : stored.text
  const kept =
    (typeof stored === 'string' ? undefined : stored.value) ??
    deepFreeze(JSON.parse(text) as Record<string, JsonValue>)
  values.set(header, part, text, kept)
  return kept
}
