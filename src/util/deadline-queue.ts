/**
 * Deadlines for calls that all wait the same `timeoutMs` (a store's every call): one timer for all
 * of them instead of a timer set and cleared per call. Calls start in order, so their deadlines
 * come in the same order: the queue is first in, first out, and the one timer waits only for the
 * oldest call still pending. A call that ends leaves its place marked done; the timer skips those.
 * The timer does not keep the process alive (the calls' connection does).
 */
export type DeadlineQueue = <T>(
  work: Promise<T>,
  onTimeout: () => Error,
  onError: (error: unknown) => Error,
) => Promise<T>

interface Pending {
  readonly due: number
  /** Cleared once the call ended either way. */
  reject: ((error: Error) => void) | undefined
  readonly onTimeout: () => Error
}

/** Done places at the front of the queue beyond which it is compacted (an array shift per call would copy it each time). */
const COMPACT_AT = 1024

/**
 * `work` within `timeoutMs` of the call: its value, or the error `onTimeout` makes when it takes
 * longer, or the error `onError` makes of its failure. The work itself is not cancelled (a remote
 * write may still land).
 *
 * @example
 * const within = createDeadlineQueue(2000)
 * await within(client.evalsha(sha, keys, args), () => timeoutError(), (e) => unavailable(e))
 */
export function createDeadlineQueue(timeoutMs: number): DeadlineQueue {
  const queue: Pending[] = []
  let head = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  /** Drops the done places at the front; true when a pending call is left. */
  function skipDone(): boolean {
    while (head < queue.length && queue[head]!.reject === undefined) head++
    if (head === queue.length) {
      queue.length = 0
      head = 0
      return false
    }
    if (head >= COMPACT_AT && head * 2 >= queue.length) {
      queue.splice(0, head)
      head = 0
    }
    return true
  }

  // Unreferenced: a call in flight keeps the process alive by its connection, and a timer left
  // armed for a call that ended must not hold the process open for up to `timeoutMs`.
  function arm(): void {
    timer = undefined
    if (!skipDone()) return
    timer = setTimeout(expire, Math.max(0, queue[head]!.due - performance.now()))
    timer.unref?.()
  }

  function expire(): void {
    const now = performance.now()
    while (skipDone() && queue[head]!.due <= now) {
      const late = queue[head++]!
      const reject = late.reject!
      late.reject = undefined
      reject(late.onTimeout())
    }
    arm()
  }

  return (work, onTimeout, onError) =>
    new Promise((resolve, reject) => {
      const pending: Pending = { due: performance.now() + timeoutMs, reject, onTimeout }
      queue.push(pending)
      if (timer === undefined) arm()
      work.then(
        (value) => {
          if (pending.reject === undefined) return
          pending.reject = undefined
          resolve(value)
          if (queue[head] === pending) skipDone()
        },
        (error: unknown) => {
          if (pending.reject === undefined) return
          pending.reject = undefined
          reject(onError(error))
          if (queue[head] === pending) skipDone()
        },
      )
    })
}
