import { performance } from 'node:perf_hooks'
import type { MemoryEngine } from './memory-engine.js'
import type { MemoryRecord } from './memory-record.js'
import { createSnapshotFile } from './snapshot-file.js'
import { CHUNK_BYTES, captureRecord, recordLines, tombstoneLine } from './snapshot-format.js'

/** Longest stretch of encoding before the save lets the event loop run. */
const SLICE_MS = 5
/** Characters buffered before they are written. */
const WRITE_CHARS = 1 << 20

/**
 * Saves the engine's live records to `path` without holding the event loop: records are encoded
 * a line at a time, written in chunks of about a MiB, and the save steps aside every few
 * milliseconds. Each record is saved as it is when its turn comes, taken in one synchronous step;
 * records made after the save started are left for the next one, records removed before their
 * turn are skipped. The live tombstones follow the records. Resolves the number of records written.
 *
 * @example
 * const written = await saveSnapshot(engine, './sessions.snap')
 */
export async function saveSnapshot(engine: MemoryEngine, path: string): Promise<number> {
  // The one step that walks every record: the list of what to save, least recently used first.
  const records: (MemoryRecord | undefined)[] = Array.from(engine.records())
  const file = await createSnapshotFile(path, engine.now())
  let written = 0
  let inChunk = 0
  let sliceEnd = performance.now() + SLICE_MS
  /** Writes `lines`, letting the loop run every few ms; then ends the chunk when it is big enough. */
  const write = async (lines: Iterable<string>, records: number) => {
    for (const line of lines) {
      file.line(line)
      if (file.buffered >= WRITE_CHARS) await file.flush()
      if (performance.now() >= sliceEnd) {
        await stepAside()
        sliceEnd = performance.now() + SLICE_MS
      }
    }
    inChunk += records
    if (file.sinceCheck >= CHUNK_BYTES) {
      await file.check(inChunk)
      inChunk = 0
    }
  }
  try {
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!
      records[i] = undefined
      if (engine.peek(record.id, engine.now()) !== record) continue
      await write(recordLines(captureRecord(record)), 1)
      written++
    }
    const tombstones = Array.from(engine.tombstones.entries(engine.now()))
    for (const [digest, until] of tombstones) await write([tombstoneLine(digest, until)], 0)
    await file.commit(written)
    return written
  } catch (error) {
    await file.abort()
    throw error
  }
}

/** Lets timers and I/O callbacks run before the save goes on. */
function stepAside(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
