import type { JsonValue, PartDump } from './contract.js'
import type { MemoryRecord, Part } from './memory-record.js'

// The snapshot file, version 2: one JSON document per line, so a file of any size is written and
// read a line at a time and no line is bigger than one stored value.
//
//   {"format":"sessionkit-memory-snapshot","version":2,"savedAt":<ms>}
//   {"record":<id>,"createdAt":<ms>,"expiresAt":<ms>,"data":{...},"parts":<n>}
//   {"part":<name>,"kind":"value","version":<n>,"value":<json>[,"expiresAt":<ms>]}
//   {"part":<name>,"kind":"list","live":<bool>,"lastSeq":<n>,"entries":<n>,"keys":[[key,first,last]...][,"expiresAt":<ms>]}
//   <entry json>                                   one line per list entry, oldest first
//   {"part":<name>,"kind":"map","version":<n>,"fields":<n>[,"expiresAt":<ms>]}
//   [<field>,<json>]                               one line per map field, in insertion order
//   {"tombstone":<digest>,"until":<ms>}            after the records: an ended id's tombstone
//   {"chunk":<k>,"records":<n>,"sha256":<hex>}     after about every MiB, between records
//   {"end":"sessionkit-memory-snapshot","records":<n>,"chunks":<n>,"sha256":<hex>}
//
// Records come least recently used first, so a restore rebuilds the LRU order. Tombstones are
// keyed by the digest the store keeps (never an id) and come oldest first, after every record. Each `sha256` is
// the hash of every byte of the file before its line: a reader checks each chunk before it
// keeps its records, so a damaged, truncated or reordered file is refused, never half-loaded.

/** The `format` named in a snapshot's first line (and in its trailer). */
export const SNAPSHOT_FORMAT = 'sessionkit-memory-snapshot'
/** The layout version this code writes. */
export const SNAPSHOT_VERSION = 2
/** The layout versions this code reads: 1 (one line per record, one hash at the end) and 2. */
export const READABLE_VERSIONS: readonly number[] = [1, 2]
/** About how many bytes of records go between two chunk checks. */
export const CHUNK_BYTES = 1 << 20

/**
 * A part as captured for a save: the frozen values it held at that instant, as `readRecord` gives
 * them, and for a list also whether it is live (a deleted list keeps its counter) and its
 * remembered idempotency keys as `[key, first seq, last seq]`.
 */
type CapturedPart =
  | Extract<PartDump, { kind: 'value' | 'map' }>
  | (Extract<PartDump, { kind: 'list' }> & {
      readonly live: boolean
      readonly keys: readonly (readonly [string, number, number])[]
    })

/** One record as it was at one instant: cheap to take (stored values are frozen and shared). */
export interface CapturedRecord {
  readonly id: string
  readonly createdAt: number
  readonly expiresAt: number
  readonly data: Readonly<Record<string, JsonValue>>
  readonly parts: readonly (readonly [string, CapturedPart])[]
}

/**
 * Takes a record's state in one synchronous step: references to its frozen values and a copy of
 * each list's entry array (the array itself changes on push). Encoding it may then take its time.
 */
export function captureRecord(record: MemoryRecord): CapturedRecord {
  const parts: [string, CapturedPart][] = []
  for (const [name, part] of record.parts ?? []) parts.push([name, capturePart(part)])
  return { id: record.id, createdAt: record.createdAt, expiresAt: record.expiresAt, data: record.data, parts }
}

function capturePart(part: Part): CapturedPart {
  const expiry = part.expiresAt === undefined ? {} : { expiresAt: part.expiresAt }
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
        entries: part.entries.slice(),
        keys: part.keys === undefined ? [] : [...part.keys].map(([k, [f, l]]) => [k, f, l] as const),
        ...expiry,
      }
  }
}

/**
 * The lines of one captured record, without newlines: its header, then each part's line and, for
 * lists and maps, one line per entry or field. A generator, so a big list is encoded a line at a
 * time between yields to the event loop.
 */
export function* recordLines(record: CapturedRecord): Generator<string, void, undefined> {
  yield JSON.stringify({
    record: record.id,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    data: record.data,
    parts: record.parts.length,
  })
  for (const [name, part] of record.parts) {
    const expiry = part.expiresAt === undefined ? {} : { expiresAt: part.expiresAt }
    switch (part.kind) {
      case 'value':
        yield JSON.stringify({
          part: name,
          kind: 'value',
          version: part.version,
          value: part.value,
          ...expiry,
        })
        break
      case 'list':
        yield JSON.stringify({
          part: name,
          kind: 'list',
          live: part.live,
          lastSeq: part.lastSeq,
          entries: part.entries.length,
          keys: part.keys,
          ...expiry,
        })
        for (const entry of part.entries) yield JSON.stringify(entry.value)
        break
      case 'map': {
        const fields = Object.keys(part.entries)
        yield JSON.stringify({
          part: name,
          kind: 'map',
          version: part.version,
          fields: fields.length,
          ...expiry,
        })
        for (const field of fields) yield JSON.stringify([field, part.entries[field]])
        break
      }
    }
  }
}

/** A tombstone line: the id's digest and the instant until which the id may not be used again. */
export function tombstoneLine(digest: string, until: number): string {
  return JSON.stringify({ tombstone: digest, until })
}

/** The first line of a file. */
export function headerLine(savedAt: number): string {
  return JSON.stringify({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, savedAt })
}

/** A chunk check: `records` records since the last check, `sha256` of every byte before this line. */
export function chunkLine(chunk: number, records: number, sha256: string): string {
  return JSON.stringify({ chunk, records, sha256 })
}

/** The last line of a file. */
export function trailerLine(records: number, chunks: number, sha256: string): string {
  return JSON.stringify({ end: SNAPSHOT_FORMAT, records, chunks, sha256 })
}
