import type { RecordDump } from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { metaOf } from './memory-record.js'

/** `readRecord` on the memory store: the header and every part with data, shared (frozen) where it can. */
export function dumpRecord(engine: MemoryEngine, id: string): RecordDump | undefined {
  const now = engine.now()
  const record = engine.find(id, now)
  if (record === undefined) return undefined
  const parts: Record<string, RecordDump['parts'][string]> = Object.create(null)
  // A copy of the names: reading a part past its own expiry drops it from the map.
  for (const [name, stored] of [...(record.parts ?? [])]) {
    const part = engine.part(record, name, stored.kind, now)
    if (part === undefined) continue
    const own = part.expiresAt === undefined ? {} : { expiresAt: part.expiresAt }
    if (part.kind === 'value') parts[name] = { kind: 'value', ...part.current, ...own }
    else if (part.kind === 'map')
      parts[name] = { kind: 'map', entries: part.entries, version: part.version, ...own }
    else if (part.live)
      parts[name] = { kind: 'list', entries: part.entries.slice(), lastSeq: part.lastSeq, ...own }
  }
  return { meta: metaOf(record), parts }
}
