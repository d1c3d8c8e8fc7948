import { createHash } from 'node:crypto'
import { readFileSync, renameSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { SessionKitError } from '../errors.js'
import type { MemoryRecord } from './memory-record.js'
import { decodeRecord, encodeRecord, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from './snapshot-format.js'

/**
 * The snapshot file: a header line `{"format","version","savedAt"}`, one JSON line per record
 * (least recently used first, so a restore rebuilds the LRU order), and a trailer line
 * `{"end","records","sha256"}` whose hash covers every byte before it, so a truncated or altered
 * file is detected instead of half-loaded.
 */
const CHUNK_CHARS = 1 << 20
let tempCounter = 0

/** Encodes `records` now (one consistent cut) into text chunks ending with the trailer. */
export function encodeSnapshot(
  records: Iterable<MemoryRecord>,
  now: number,
): { chunks: string[]; count: number } {
  const hash = createHash('sha256')
  const chunks: string[] = []
  let chunk = `${JSON.stringify({ format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, savedAt: now })}\n`
  let count = 0
  for (const record of records) {
    if (record.expiresAt <= now) continue
    chunk += `${encodeRecord(record)}\n`
    count++
    if (chunk.length >= CHUNK_CHARS) {
      hash.update(chunk, 'utf8')
      chunks.push(chunk)
      chunk = ''
    }
  }
  hash.update(chunk, 'utf8')
  chunks.push(
    `${chunk}${JSON.stringify({ end: SNAPSHOT_FORMAT, records: count, sha256: hash.digest('hex') })}\n`,
  )
  return { chunks, count }
}

/**
 * Writes `chunks` to `path` atomically: a temp file in the same folder, fsync, rename over `path`,
 * fsync of the folder. A crash at any point leaves either the old file or the new one, never a mix.
 */
export async function writeFileAtomic(path: string, chunks: readonly string[]): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${++tempCounter}`
  try {
    const file = await open(temp, 'w', 0o600)
    try {
      for (const chunk of chunks) await file.write(chunk, null, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temp, path)
    await syncFolder(dirname(path))
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw new SessionKitError(
      'STORE_UNAVAILABLE',
      `could not write the snapshot "${path}": ${(error as Error).message}; check the folder exists and is writable`,
      { cause: error, details: { path } },
    )
  }
}

async function syncFolder(folder: string): Promise<void> {
  // Windows cannot open a folder for fsync; there the rename itself is what we can rely on.
  if (process.platform === 'win32') return
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Reads and checks a snapshot file: its live records, least recently used first, or `undefined`
 * when there is no file. A truncated, altered or
 * unreadable file throws a `SessionKitError` (`INVALID_ARGUMENT`) naming the path and the problem.
 */
export function readSnapshot(path: string, now: number): MemoryRecord[] | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw corrupt(path, `it cannot be read (${(error as Error).message})`, error)
  }
  if (!text.endsWith('\n')) throw corrupt(path, 'it is truncated (no final newline)')
  const trailerStart = text.lastIndexOf('\n', text.length - 2) + 1
  const trailer = parseLine(path, text.slice(trailerStart, -1), 'trailer')
  if (trailer.end !== SNAPSHOT_FORMAT)
    throw corrupt(path, 'it is truncated (the last line is not the trailer)')
  const body = text.slice(0, trailerStart)
  const digest = createHash('sha256').update(body, 'utf8').digest('hex')
  if (digest !== trailer.sha256)
    throw corrupt(path, 'its checksum does not match (the file was altered or damaged)')
  const lines = body.split('\n')
  lines.pop()
  const header = parseLine(path, lines[0] ?? '', 'header')
  if (header.format !== SNAPSHOT_FORMAT) throw corrupt(path, 'it is not a sessionkit snapshot')
  if (header.version !== SNAPSHOT_VERSION) {
    throw corrupt(
      path,
      `it has layout version ${String(header.version)}; this version reads ${SNAPSHOT_VERSION}`,
    )
  }
  const total = lines.length - 1
  if (trailer.records !== total)
    throw corrupt(path, `it holds ${total} records; its trailer says ${String(trailer.records)}`)
  const records: MemoryRecord[] = []
  for (let i = 1; i < lines.length; i++) {
    try {
      const record = decodeRecord(lines[i]!, now)
      if (record !== undefined) records.push(record)
    } catch (error) {
      throw corrupt(path, `line ${i + 1} is not a valid record (${(error as Error).message})`, error)
    }
  }
  return records
}

/** Renames a bad snapshot to `<path>.corrupt-<now>` so the next save keeps the evidence; returns the new path. */
export function moveAside(path: string, now: number): string | undefined {
  const aside = `${path}.corrupt-${now}`
  try {
    renameSync(path, aside)
    return aside
  } catch {
    return undefined
  }
}

function parseLine(path: string, line: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line)
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>
  } catch (error) {
    throw corrupt(path, `its ${what} line is not JSON`, error)
  }
  throw corrupt(path, `its ${what} line is not an object`)
}

function corrupt(path: string, problem: string, cause?: unknown): SessionKitError {
  return new SessionKitError(
    'INVALID_ARGUMENT',
    `snapshot "${path}" cannot be restored: ${problem}. Restore a backup or delete the file to start empty.`,
    { cause, details: { path, problem } },
  )
}
