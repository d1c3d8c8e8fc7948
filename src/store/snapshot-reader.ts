import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { SessionKitError } from '../errors.js'
import type { MemoryRecord } from './memory-record.js'
import { createV2Decoder, decodeV1Record } from './snapshot-decode.js'
import { READABLE_VERSIONS, SNAPSHOT_FORMAT } from './snapshot-format.js'
import { count, object } from './snapshot-parts.js'

/** Bytes read from the file at a time. */
const BLOCK_BYTES = 4 << 20
/** Longest line read: a JavaScript string cannot hold much more. */
const MAX_LINE_BYTES = 512 << 20
const NEWLINE = Buffer.from('\n')
const CHUNK_PREFIX = Buffer.from('{"chunk":')
const END_PREFIX = Buffer.from('{"end":')
const TOMBSTONE_PREFIX = Buffer.from('{"tombstone":')
const DIGEST = /^[A-Za-z0-9_-]{22}$/

/** Where a restore puts what it read, each batch only once the checksum covering it has matched. */
export interface SnapshotSink {
  /** Live records, least recently used first. */
  records(records: readonly MemoryRecord[]): void
  /** Live tombstones as `[digest, until]`, oldest first. */
  tombstones(tombstones: readonly (readonly [string, number])[]): void
}

/** What a restore found: the records kept and the file's layout version. */
export interface SnapshotRead {
  readonly records: number
  readonly version: number
}

/**
 * Reads and checks the snapshot at `path` a line at a time (no size limit but the heap the records
 * take), and hands its live records and tombstones to `sink`, only once the checksum covering
 * them has matched. `undefined` when there is no file. A truncated, damaged, foreign or
 * future-version file, or one that cannot be read, throws `INVALID_ARGUMENT` naming the path, the
 * line and the problem; records already handed over are then the caller's to drop.
 *
 * @example
 * readSnapshot('./sessions.snap', Date.now(), { records: (r) => r.forEach(insert), tombstones: () => {} })
 */
export function readSnapshot(path: string, now: number, sink: SnapshotSink): SnapshotRead | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw corrupt(path, `it cannot be read (${(error as Error).message})`, error)
  }
  const state = { line: 0 }
  try {
    return readLines(fd, state, path, now, sink)
  } catch (error) {
    if (error instanceof SessionKitError) throw error
    const problem = error instanceof Error ? error.message : String(error)
    if ((error as NodeJS.ErrnoException).code !== undefined) {
      throw corrupt(path, `it cannot be read (${problem})`, error)
    }
    throw corrupt(path, `line ${state.line} is not valid (${problem})`, error)
  } finally {
    closeSync(fd)
  }
}

function readLines(
  fd: number,
  state: { line: number },
  path: string,
  now: number,
  sink: SnapshotSink,
): SnapshotRead {
  const hash = createHash('sha256')
  const lines = splitLines(fd, path)
  const first = next(lines, state, path)
  const header = parse(first, 'header', path)
  if (header.format !== SNAPSHOT_FORMAT) throw corrupt(path, 'it is not a sessionkit snapshot')
  const version = header.version
  if (typeof version !== 'number' || !READABLE_VERSIONS.includes(version)) {
    throw corrupt(
      path,
      `it has layout version ${String(version)}, and this sessionkit reads versions ${READABLE_VERSIONS.join(' and ')}; run a sessionkit that wrote it, or restore a backup`,
    )
  }
  feed(hash, first)
  const reading: Reading = { lines, state, path, hash, now, sink }
  const records = version === 1 ? readV1(reading) : readV2(reading)
  if (!lines.next().done) throw corrupt(path, `it goes on after its trailer (line ${state.line + 1})`)
  return { records, version }
}

/** One file being read: its lines, where it is, the running hash, and where checked records go. */
interface Reading {
  readonly lines: Generator<Buffer>
  readonly state: { line: number }
  readonly path: string
  readonly hash: Hash
  readonly now: number
  readonly sink: SnapshotSink
}

/** Version 1: every record line, then one trailer whose hash covers all of them. */
function readV1({ lines, state, path, hash, now, sink }: Reading): number {
  const pending: MemoryRecord[] = []
  let total = 0
  for (;;) {
    const line = next(lines, state, path)
    if (startsWith(line, END_PREFIX)) {
      const trailer = parse(line, 'trailer', path)
      if (trailer.end !== SNAPSHOT_FORMAT) throw corrupt(path, 'its trailer line is not valid')
      checkSum(hash, trailer.sha256, path, 'the file')
      if (trailer.records !== total)
        throw corrupt(path, `it holds ${total} records; its trailer says ${String(trailer.records)}`)
      sink.records(pending)
      return pending.length
    }
    const record = decodeV1Record(line.toString('utf8'), now)
    total++
    if (record !== null) pending.push(record)
    feed(hash, line)
  }
}

/** Version 2: record lines in chunks, each chunk checked before its records are kept. */
function readV2({ lines, state, path, hash, now, sink }: Reading): number {
  const decoder = createV2Decoder(now)
  let pending: MemoryRecord[] = []
  let tombstones: (readonly [string, number])[] = []
  const keep = () => {
    sink.records(pending)
    if (tombstones.length > 0) sink.tombstones(tombstones)
    tombstones = []
  }
  let inChunk = 0
  let total = 0
  let kept = 0
  let chunks = 0
  for (;;) {
    const line = next(lines, state, path)
    if (decoder.idle && startsWith(line, CHUNK_PREFIX)) {
      const check = parse(line, 'chunk check', path)
      if (check.chunk !== chunks + 1 || check.records !== inChunk) {
        throw corrupt(path, `chunk ${chunks + 1} (line ${state.line}) does not match its check line`)
      }
      checkSum(hash, check.sha256, path, `chunk ${chunks + 1} (up to line ${state.line})`)
      keep()
      kept += pending.length
      pending = []
      inChunk = 0
      chunks++
      feed(hash, line)
      continue
    }
    if (decoder.idle && startsWith(line, END_PREFIX)) {
      const trailer = parse(line, 'trailer', path)
      if (trailer.end !== SNAPSHOT_FORMAT) throw corrupt(path, 'its trailer line is not valid')
      checkSum(hash, trailer.sha256, path, `the last chunk (up to line ${state.line})`)
      if (trailer.records !== total || trailer.chunks !== chunks) {
        throw corrupt(path, `it holds ${total} records in ${chunks} chunks; its trailer says otherwise`)
      }
      keep()
      return kept + pending.length
    }
    if (decoder.idle && startsWith(line, TOMBSTONE_PREFIX)) {
      const tombstone = parseTombstone(line, path)
      if (tombstone[1] > now) tombstones.push(tombstone)
      feed(hash, line)
      continue
    }
    const record = decoder.line(line.toString('utf8'), line.length)
    if (record !== undefined) {
      total++
      inChunk++
      if (record !== null) pending.push(record)
    }
    feed(hash, line)
  }
}

/** The file's lines without their newlines. A view is only valid until the next line is taken. */
function* splitLines(fd: number, path: string): Generator<Buffer, void, undefined> {
  const block = Buffer.allocUnsafe(BLOCK_BYTES)
  let carry: Buffer[] = []
  let carried = 0
  for (;;) {
    const read = readSync(fd, block, 0, BLOCK_BYTES, null)
    if (read === 0) break
    const data = block.subarray(0, read)
    let start = 0
    for (let end = data.indexOf(10, start); end !== -1; end = data.indexOf(10, start)) {
      const piece = data.subarray(start, end)
      start = end + 1
      if (carry.length === 0) {
        yield piece
        continue
      }
      const whole = Buffer.concat([...carry, piece])
      carry = []
      carried = 0
      yield whole
    }
    if (start < read) {
      carried += read - start
      if (carried > MAX_LINE_BYTES) throw corrupt(path, `a line is longer than ${MAX_LINE_BYTES} bytes`)
      carry.push(Buffer.from(data.subarray(start)))
    }
  }
  if (carried > 0) throw corrupt(path, 'it is truncated (its last line has no newline)')
}

function next(lines: Generator<Buffer>, state: { line: number }, path: string): Buffer {
  const step = lines.next()
  if (step.done === true) {
    throw corrupt(path, state.line === 0 ? 'it is empty' : 'it is truncated (it ends before its trailer)')
  }
  state.line++
  return step.value
}

function feed(hash: Hash, line: Buffer): void {
  hash.update(line)
  hash.update(NEWLINE)
}

function checkSum(hash: Hash, expected: unknown, path: string, what: string): void {
  if (hash.copy().digest('hex') !== expected) {
    throw corrupt(path, `the checksum of ${what} does not match (the file was altered or damaged)`)
  }
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
}

function parse(line: Buffer, what: string, path: string): Readonly<Record<string, unknown>> {
  try {
    const value = object(JSON.parse(line.toString('utf8')), `its ${what} line`)
    if (what === 'chunk check' || what === 'trailer') count(value.records, 'records', 0)
    return value
  } catch (error) {
    throw corrupt(path, `its ${what} line is not valid (${(error as Error).message})`, error)
  }
}

function parseTombstone(line: Buffer, path: string): readonly [string, number] {
  const raw = parse(line, 'tombstone', path)
  const { tombstone, until } = raw
  if (typeof tombstone !== 'string' || !DIGEST.test(tombstone) || !Number.isSafeInteger(until)) {
    throw corrupt(
      path,
      'a tombstone line is not valid (it needs a 22-character digest and an epoch-ms until)',
    )
  }
  return [tombstone, until as number]
}

function corrupt(path: string, problem: string, cause?: unknown): SessionKitError {
  return new SessionKitError(
    'INVALID_ARGUMENT',
    `snapshot "${path}" cannot be restored: ${problem}. The file was left as it is; restore a backup, or move the file away to start empty.`,
    { cause, details: { path, problem } },
  )
}
