import { type Stats, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { isSessionKitError, SessionKitError } from '../errors.js'
import { type WarningHandler, warn } from '../warnings.js'
import type { MemoryEngine } from './memory-engine.js'
import type { ResolvedMemoryOptions } from './memory-options.js'
import { removeLeftovers } from './snapshot-file.js'
import { readSnapshot } from './snapshot-reader.js'
import { saveSnapshot } from './snapshot-save.js'

/** Saves and restores one memory store's snapshot file. */
export interface Snapshotter {
  /**
   * Removes temp files a killed save left, loads the file into the (empty) engine, then starts
   * the save interval. A file that cannot be read is a `SESSIONKIT_SNAPSHOT_FAILED` warning (or
   * throws when `strict`, and then no timer is left behind) and is kept: saves refuse to replace it.
   */
  start(): void
  /** Writes a snapshot now; saves never overlap. Resolves the number of records written. */
  save(path?: string, overwrite?: boolean): Promise<number>
  /** Stops the interval and writes a last snapshot. */
  close(): Promise<void>
}

type SnapshotConfig = NonNullable<ResolvedMemoryOptions['snapshot']>

/**
 * Ties a memory engine to its snapshot file. With `config` undefined it only serves one-off
 * `store.snapshot({ path })` calls.
 */
export function createSnapshotter(
  engine: MemoryEngine,
  config: SnapshotConfig | undefined,
  onWarning: WarningHandler | undefined,
): Snapshotter {
  let queue: Promise<unknown> = Promise.resolve()
  // The file at the configured path that could not be read at start, while it is still there.
  let unreadable: Stats | undefined
  const report = (error: SessionKitError) =>
    warn(onWarning, 'SESSIONKIT_SNAPSHOT_FAILED', error.message, error)

  function save(path = config?.path, overwrite = false): Promise<number> {
    const target = path as string
    const run = queue.then(() => {
      if (config !== undefined && resolve(target) === resolve(config.path) && !overwrite) {
        refuseOverUnreadable(target)
      }
      return saveSnapshot(engine, target)
    })
    queue = run.catch(() => undefined)
    return run
  }

  function refuseOverUnreadable(path: string): void {
    if (unreadable === undefined) return
    if (!sameFile(unreadable, path)) {
      unreadable = undefined
      return
    }
    throw new SessionKitError(
      'STORE_UNAVAILABLE',
      `snapshot "${path}" could not be read at start, so it is not replaced: move it away (or fix it and restart), or call store.snapshot({ overwrite: true }) to replace it`,
      { details: { path, reason: 'unreadable' } },
    )
  }

  let timer: ReturnType<typeof setInterval> | undefined

  return {
    start() {
      if (config === undefined) return
      removeLeftovers(config.path)
      restore(config.path, config.strict)
      if (config.intervalMs > 0) {
        timer = setInterval(() => {
          save().catch((error: SessionKitError) => report(error))
        }, config.intervalMs).unref()
      }
    },
    save,
    async close() {
      if (timer !== undefined) clearInterval(timer)
      if (config === undefined) return
      try {
        await save()
      } catch (error) {
        // A shutdown must not fail because the file it would replace could not be read: the
        // refusal is a warning, and the file stays for the operator.
        if (!isSessionKitError(error) || error.details?.reason !== 'unreadable') throw error
        report(error)
      }
    },
  }

  function restore(path: string, strict: boolean): void {
    let offered = 0
    try {
      const read = readSnapshot(path, engine.now(), {
        records(records) {
          for (const record of records) engine.insert(record)
          offered += records.length
        },
        tombstones(tombstones) {
          for (const [digest, until] of tombstones) engine.restoreTombstone(digest, until)
        },
      })
      if (read !== undefined && engine.size < offered) report(evictedAtRestore(path, offered, engine.size))
    } catch (error) {
      // Nothing of a file that failed part way stays: its records would be saved over it.
      engine.clear()
      if (strict) throw error
      unreadable = statOf(path)
      const e = error as SessionKitError
      e.message += ' The store started empty and will not save over the file.'
      report(e)
    }
  }
}

function evictedAtRestore(path: string, offered: number, kept: number): SessionKitError {
  return new SessionKitError(
    'LIMIT_EXCEEDED',
    `snapshot "${path}" holds ${offered} live records; the store kept the ${kept} most recent within maxSessions, maxScopes and maxBytes, and the next save writes only those. Raise the limits to keep them all.`,
    { details: { path, offered, kept } },
  )
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

function sameFile(before: Stats, path: string): boolean {
  const now = statOf(path)
  return (
    now !== undefined &&
    now.ino === before.ino &&
    now.dev === before.dev &&
    now.size === before.size &&
    now.mtimeMs === before.mtimeMs
  )
}
