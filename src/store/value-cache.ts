/**
 * The last JSON text this process read or wrote for value parts, bounded in bytes, so a shared
 * store's `mergeValue` can merge on the client (merge-text.ts) and send the result with the text it
 * started from: the server (a Redis script, a PostgreSQL function) stores it only when that text is
 * still the stored one, and merges itself otherwise. An entry is never trusted, only compared, so a stale one costs a server-side merge and
 * nothing else. A record's entries are dropped when this process deletes or renames it, and a
 * part's when it deletes the part.
 */
export interface ValueCache {
  /** The text last seen for the part of the record `header` names (its id, or its Redis header key), or undefined. */
  get(header: string, part: string): string | undefined
  /** Remembers `text` for the part (its record becomes the newest; the oldest leave past the budget). */
  set(header: string, part: string, text: string): void
  /** Forgets one part. */
  delete(header: string, part: string): void
  /** Forgets every part of the record. */
  deleteRecord(header: string): void
}

/** Bytes counted per part beyond its name and text (a Map entry and two string headers). */
const ENTRY_OVERHEAD = 64

/**
 * A cache of at most `maxBytes` (UTF-16 code units x 2 plus a fixed cost per part), records
 * evicted oldest first; `0` keeps nothing.
 *
 * @example
 * const values = createValueCache(4_194_304); values.set('{sk:abc}', 'preferences', '{"theme":"dark"}')
 */
export function createValueCache(maxBytes: number): ValueCache {
  // Insertion order is age: a write moves the record to the end, eviction takes the front.
  const records = new Map<string, Map<string, string>>()
  let bytes = 0
  const size = (header: string, part: string, text: string) =>
    2 * (header.length + part.length + text.length) + ENTRY_OVERHEAD
  const dropRecord = (header: string) => {
    const parts = records.get(header)
    if (parts === undefined) return
    records.delete(header)
    for (const [part, text] of parts) bytes -= size(header, part, text)
  }
  const dropPart = (header: string, part: string) => {
    const parts = records.get(header)
    const text = parts?.get(part)
    if (parts === undefined || text === undefined) return
    parts.delete(part)
    bytes -= size(header, part, text)
    if (parts.size === 0) records.delete(header)
  }
  return {
    get: (header, part) => records.get(header)?.get(part),
    set(header, part, text) {
      dropPart(header, part)
      const cost = size(header, part, text)
      // A text past a quarter of the budget would push out most of it for one part.
      if (cost * 4 > maxBytes) return
      const parts = records.get(header) ?? new Map<string, string>()
      records.delete(header)
      records.set(header, parts)
      parts.set(part, text)
      bytes += cost
      for (const oldest of records.keys()) {
        if (bytes <= maxBytes) break
        dropRecord(oldest)
      }
    },
    delete: dropPart,
    deleteRecord: dropRecord,
  }
}
