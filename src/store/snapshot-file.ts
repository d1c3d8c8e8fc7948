import { createHash } from 'node:crypto'
import { readdirSync, unlinkSync } from 'node:fs'
import { type FileHandle, open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SessionKitError } from '../errors.js'
import { chunkLine, headerLine, trailerLine } from './snapshot-format.js'

/** Bytes of the buffer lines are encoded into before each write (reused: no big string is made). */
const BLOCK_BYTES = 1 << 20
/** UTF-8 takes at most 3 bytes per UTF-16 unit. */
const MAX_BYTES_PER_UNIT = 3

/** Temp files of saves running in this process: never removed as leftovers. */
const active = new Set<string>()
let tempCounter = 0

/**
 * A snapshot being written, a line at a time, to a temp file beside its path: `commit` makes it
 * the snapshot (fsync, rename over the path, fsync of the folder), so a crash at any point leaves
 * the old file or the new one, never a mix. Lines are buffered and hashed as they are written.
 */
export interface SnapshotFile {
  /** Adds a line (no newline). */
  line(text: string): void
  /** Characters buffered since the last write. */
  readonly buffered: number
  /** Bytes written since the last chunk check. */
  readonly sinceCheck: number
  /** Writes the buffered lines. */
  flush(): Promise<void>
  /** Ends a chunk of `records` records with its check line. */
  check(records: number): Promise<void>
  /** Writes the trailer and puts the file in place. */
  commit(records: number): Promise<void>
  /** Removes the temp file (after a failure). */
  abort(): Promise<void>
}

/**
 * Opens a temp file for a snapshot of `path` and writes its header line.
 *
 * @example
 * const file = await createSnapshotFile('./sessions.snap', Date.now())
 */
export async function createSnapshotFile(path: string, savedAt: number): Promise<SnapshotFile> {
  const temp = `${path}.tmp-${process.pid}-${++tempCounter}`
  active.add(temp)
  let handle: FileHandle
  try {
    handle = await open(temp, 'w', 0o600)
  } catch (error) {
    active.delete(temp)
    throw writeError(path, error)
  }
  const hash = createHash('sha256')
  let lines: string[] = []
  let buffered = 0
  let sinceCheck = 0
  let chunks = 0
  let closed = false

  const close = async () => {
    if (closed) return
    closed = true
    await handle.close()
  }
  const fail = async (error: unknown): Promise<never> => {
    await close().catch(() => undefined)
    await unlink(temp).catch(() => undefined)
    active.delete(temp)
    throw writeError(path, error)
  }
  // Lines are encoded into one reused buffer, never joined into a big string: a save then makes
  // only small, short-lived strings, and the garbage collector has little to do while it runs.
  const block = Buffer.allocUnsafe(BLOCK_BYTES)
  let used = 0
  const write = async (bytes: Buffer) => {
    hash.update(bytes)
    sinceCheck += bytes.length
    await writeAll(handle, bytes).catch(fail)
  }
  const flush = async () => {
    const pending = lines
    lines = []
    buffered = 0
    for (const text of pending) {
      if (used > 0 && used + text.length * MAX_BYTES_PER_UNIT + 1 > BLOCK_BYTES) {
        await write(block.subarray(0, used))
        used = 0
      }
      if (text.length * MAX_BYTES_PER_UNIT + 1 > BLOCK_BYTES) {
        await write(Buffer.from(`${text}\n`, 'utf8'))
        continue
      }
      used += block.write(text, used, 'utf8')
      block[used++] = 0x0a
    }
    if (used > 0) await write(block.subarray(0, used))
    used = 0
  }
  const file: SnapshotFile = {
    line(text) {
      lines.push(text)
      buffered += text.length + 1
    },
    get buffered() {
      return buffered
    },
    get sinceCheck() {
      return sinceCheck + buffered
    },
    flush,
    async check(records) {
      await flush()
      file.line(chunkLine(++chunks, records, hash.copy().digest('hex')))
      sinceCheck = 0
    },
    async commit(records) {
      await flush()
      file.line(trailerLine(records, chunks, hash.copy().digest('hex')))
      await flush()
      try {
        await handle.sync()
        await close()
        await rename(temp, path)
        active.delete(temp)
        await syncFolder(dirname(path))
      } catch (error) {
        await fail(error)
      }
    },
    async abort() {
      await close().catch(() => undefined)
      await unlink(temp).catch(() => undefined)
      active.delete(temp)
    },
  }
  file.line(headerLine(savedAt))
  return file
}

/**
 * Removes temp files that a save of `path` killed mid-way left behind: those of processes that are
 * gone, and those of this process that no save here is writing. Returns the names removed.
 *
 * @example
 * removeLeftovers('./sessions.snap') // ['sessions.snap.tmp-4242-1']
 */
export function removeLeftovers(path: string): string[] {
  const folder = dirname(path)
  const prefix = `${basename(path)}.tmp-`
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch {
    return []
  }
  const removed: string[] = []
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).split('-')[0])
    const full = join(folder, name)
    if (active.has(full) || (pid !== process.pid && isAlive(pid))) continue
    try {
      unlinkSync(full)
      removed.push(name)
    } catch {
      // Gone already, or not ours to remove: nothing left to do about it.
    }
  }
  return removed
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Writes every byte (a write may take fewer than it was given). */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
    if (bytesWritten === 0) throw new Error('the disk took no bytes')
    offset += bytesWritten
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

function writeError(path: string, error: unknown): SessionKitError {
  if (error instanceof SessionKitError) return error
  return new SessionKitError(
    'STORE_UNAVAILABLE',
    `could not write the snapshot "${path}": ${(error as Error).message}; check the folder exists and is writable`,
    { cause: error, details: { path } },
  )
}
