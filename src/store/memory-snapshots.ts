import type { SessionKitError } from '../errors.js'
import { type WarningHandler, warn } from '../warnings.js'
import type { MemoryEngine } from './memory-engine.js'
import type { ResolvedMemoryOptions } from './memory-options.js'
import { encodeSnapshot, moveAside, readSnapshot, writeFileAtomic } from './snapshot.js'

/** Saves and restores one memory store's snapshot file. */
export interface Snapshotter {
  /**
   * Loads the file into the (empty) engine, then starts the save interval. A bad file is a
   * `SESSIONKIT_SNAPSHOT_FAILED` warning (or throws when `strict`, and then no timer is left behind).
   */
  start(): void
  /** Writes a snapshot now; saves never overlap. Resolves the number of records written. */
  save(path?: string): Promise<number>
  /** Stops the interval and writes a last snapshot. */
  close(): Promise<void>
}

type SnapshotConfig = NonNullable<ResolvedMemoryOptions['snapshot']>

/**
 * Ties a memory engine to its snapshot file. With `config` undefined it only serves one-off
 * `store.snapshot(path)` calls.
 */
export function createSnapshotter(
  engine: MemoryEngine,
  config: SnapshotConfig | undefined,
  onWarning: WarningHandler | undefined,
): Snapshotter {
  let queue: Promise<unknown> = Promise.resolve()
  const report = (error: SessionKitError) =>
    warn(onWarning, 'SESSIONKIT_SNAPSHOT_FAILED', error.message, error)

  function save(path = config?.path): Promise<number> {
    const target = path as string
    const run = queue.then(async () => {
      // Encoding happens in one synchronous step, so the file is one consistent cut of the store.
      const { chunks, count } = encodeSnapshot(engine.records(), engine.now())
      await writeFileAtomic(target, chunks)
      return count
    })
    queue = run.catch(() => undefined)
    return run
  }

  let timer: ReturnType<typeof setInterval> | undefined

  return {
    start() {
      if (config === undefined) return
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
      if (config !== undefined) await save()
    },
  }

  function restore(path: string, strict: boolean): void {
    const now = engine.now()
    try {
      const found = readSnapshot(path, now)
      for (const record of found ?? []) engine.insert(record)
    } catch (error) {
      if (strict) throw error
      const aside = moveAside(path, now)
      const e = error as SessionKitError
      e.message +=
        aside === undefined
          ? ` The store started empty; the file could not be moved aside, so the next save replaces it.`
          : ` The store started empty; the file was moved to "${aside}".`
      report(e)
    }
  }
}
