import { SessionKitError } from '../errors.js'
import type { SessionScope } from '../session-scope.js'

/**
 * Runs async tasks one at a time per key, in arrival order. Read-modify-write updates inside one
 * process go through it, so they never race each other; compare-and-set then only has to settle
 * races with other processes. Keys with nothing queued hold no memory.
 *
 * Every wait is bounded: a task that has not started `waitMs` after it was queued (the tasks
 * ahead of it took that long) is dropped without running and its call fails with
 * `STORE_UNAVAILABLE`, so the k-th call of a queue waits at most `waitMs`, not k times a timeout.
 * A task that has started is never interrupted.
 *
 * @example
 * const queue = createKeyedQueue({ waitMs: 2000 }); await queue.run(`${id}/state`, () => update())
 */
export interface KeyedQueue {
  /** Runs `task` after the tasks queued before it under `key`; `waitMs` overrides the queue's bound. */
  run<T>(key: string, task: () => Promise<T>, waitMs?: number): Promise<T>
}

/** Options of {@link createKeyedQueue}. */
export interface KeyedQueueOptions {
  /** Longest wait for the tasks ahead, in ms. */
  readonly waitMs: number
}

/** Makes a queue whose tasks wait at most `options.waitMs` for those ahead of them. */
export function createKeyedQueue(options: KeyedQueueOptions): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run<T>(key: string, task: () => Promise<T>, waitMs = options.waitMs): Promise<T> {
      const previous = tails.get(key)
      const { result, done } =
        previous === undefined ? { result: task(), done: undefined } : after(previous, task, waitMs, key)
      const tail = (done ?? result).then(
        () => undefined,
        () => undefined,
      )
      tails.set(key, tail)
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key)
      })
      return result
    },
  }
}

/**
 * Runs `task` once `previous` settles, unless `waitMs` passes first: then `result` fails and the
 * task never runs (so nothing is half-written). `done` settles when this place in the queue is
 * over: when `previous` has settled and, if it ran, the task too; the next task waits for it.
 */
function after<T>(
  previous: Promise<unknown>,
  task: () => Promise<T>,
  waitMs: number,
  key: string,
): { readonly result: Promise<T>; readonly done: Promise<void> } {
  let finish: () => void = () => undefined
  const done = new Promise<void>((resolve) => {
    finish = resolve
  })
  const result = new Promise<T>((resolve, reject) => {
    let waiting = true
    // Not unref'd: a caller is waiting on this, and must get its answer before the process exits.
    const timer = setTimeout(() => {
      waiting = false
      reject(
        new SessionKitError(
          'STORE_UNAVAILABLE',
          `waited ${waitMs} ms for earlier updates of the same session part to finish; nothing was written, retry the call (the bound is concurrency.queueTimeoutMs)`,
          { details: { waitMs, part: key.slice(key.indexOf('\u0000') + 1) } },
        ),
      )
    }, waitMs)
    const start = () => {
      if (!waiting) {
        finish()
        return
      }
      waiting = false
      clearTimeout(timer)
      new Promise<T>((run) => run(task())).then(resolve, reject).finally(finish)
    }
    previous.then(start, start)
  })
  return { result, done }
}

/**
 * Runs `task` after this process's other queued writes to `part` of the session. Every write of a
 * part that a compare-and-set update reads goes through here, so a plain write never overtakes an
 * update.
 */
export function queuePart<T>(
  scope: SessionScope,
  queue: KeyedQueue,
  part: string,
  task: () => Promise<T>,
  waitMs?: number,
): Promise<T> {
  return queue.run(`${scope.sessionId}\u0000${part}`, task, waitMs)
}
