import type { SessionScope } from '../session-scope.js'

/**
 * Runs async tasks one at a time per key, in arrival order. Read-modify-write updates inside one
 * process go through it, so they never race each other; compare-and-set then only has to settle
 * races with other processes. Keys with nothing queued hold no memory.
 *
 * @example
 * const queue = createKeyedQueue(); await queue.run(`${id}/state`, () => update())
 */
export interface KeyedQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key)
      const result = previous === undefined ? task() : previous.then(task, task)
      const tail = result.then(
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
 * Runs `task` after this process's other queued writes to `part` of the session. Every write of a
 * part that a compare-and-set update reads goes through here, so a plain write never overtakes an
 * update.
 */
export function queuePart<T>(
  scope: SessionScope,
  queue: KeyedQueue,
  part: string,
  task: () => Promise<T>,
): Promise<T> {
  return queue.run(`${scope.sessionId}\u0000${part}`, task)
}
