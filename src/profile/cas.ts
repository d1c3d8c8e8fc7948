import { SessionKitError } from '../errors.js'
import { recordLabel } from '../ids.js'
import type { SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import { deepFreeze } from '../util/deep-freeze.js'
import { type KeyedQueue, queuePart } from '../util/keyed-queue.js'

/** How hard a compare-and-set update tries before `CONFLICT`. */
export interface CasPolicy {
  /** Attempts after the first. Default 100. */
  readonly maxRetries: number
  /** Upper bound of the jittered pause between attempts, in ms. Default 50. */
  readonly maxBackoffMs: number
  /** Told when every attempt lost, just before `CONFLICT` is thrown (the kit counts it). */
  readonly onExhausted?: () => void
}

/** What an attempt of {@link retryOnConflict} returns when it lost a compare-and-set race. */
export const LOST_RACE: unique symbol = Symbol('sessionkit.lostRace')

/**
 * Runs `attempt` until it returns a result (anything but {@link LOST_RACE}, `undefined` included):
 * after each lost race it pauses a random time below `min(maxBackoffMs, 2^n)` ms and tries
 * again, at most `maxRetries` times, then throws `CONFLICT` naming `what`.
 *
 * Why so many retries by default: under steady contention (several processes updating one part in
 * a loop) each attempt wins with a roughly fixed chance, so the chance of losing them all falls
 * geometrically with the count. On a loaded machine one attempt in two or three can lose, and a
 * handful of retries is not enough; a hundred costs nothing when there is no contention.
 */
export async function retryOnConflict<T>(
  policy: CasPolicy,
  what: string,
  attempt: () => Promise<T | typeof LOST_RACE>,
): Promise<T> {
  for (let n = 0; ; n++) {
    const result = await attempt()
    if (result !== LOST_RACE) return result
    if (n >= policy.maxRetries) {
      policy.onExhausted?.()
      throw new SessionKitError(
        'CONFLICT',
        `${what} changed under ${n + 1} attempts; retry the call or raise concurrency.maxRetries`,
        { details: { attempts: n + 1 } },
      )
    }
    await pause(Math.random() * Math.min(policy.maxBackoffMs, 2 ** n))
  }
}

/**
 * Read-modify-write of one value part, safe under concurrency: calls for the same part in this
 * process queue behind each other (so they never conflict), and compare-and-set on the part's
 * version settles races with other processes through {@link retryOnConflict}.
 * `compute` gets the current value (or `undefined`), deep-frozen on every store (the memory store
 * keeps its values frozen; a value read from Redis is frozen here), and returns the value to store.
 */
export function casUpdate<T extends JsonValue>(
  scope: SessionScope,
  queue: KeyedQueue,
  part: string,
  policy: CasPolicy,
  compute: (current: T | undefined) => Promise<T>,
): Promise<T> {
  return queuePart(scope, queue, part, () =>
    retryOnConflict(policy, `${part} of session ${recordLabel(scope.sessionId)}`, async () => {
      const current = await scope.store.getValue<T>(scope.sessionId, part)
      const next = await compute(current === undefined ? undefined : deepFreeze(current.value))
      const result = await scope.store.setValue(scope.sessionId, part, next, {
        ifVersion: current?.version ?? 0,
        expiresAt: scope.activityExpiresAt(),
      })
      return result.ok ? next : LOST_RACE
    }),
  )
}

/** Stores `value` as the value part `part` (queued, see {@link queuePart}); counts as activity. */
export async function replaceValue(
  scope: SessionScope,
  queue: KeyedQueue,
  part: string,
  value: JsonValue,
): Promise<void> {
  await queuePart(scope, queue, part, () =>
    scope.store.setValue(scope.sessionId, part, value, { expiresAt: scope.activityExpiresAt() }),
  )
}

/**
 * Calls a user's updater with a frozen value. An updater that changes its argument fails the same
 * way on every store: `INVALID_ARGUMENT` saying to return a new value, the `TypeError` in `cause`.
 *
 * @example
 * const next = await callUpdater(fn, current, 'state.update')
 */
export async function callUpdater<T>(
  fn: (current: T) => T | Promise<T>,
  current: T,
  what: string,
): Promise<T> {
  try {
    return await fn(current)
  } catch (error) {
    if (error instanceof TypeError && /read.only|not extensible|Cannot delete property/.test(error.message)) {
      throw new SessionKitError(
        'INVALID_ARGUMENT',
        `${what}: the updater changed the value it was given, which is frozen; return a new value instead, e.g. (st) => ({ ...st, count: st.count + 1 })`,
        { cause: error },
      )
    }
    throw error
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
