import { SessionKitError } from '../errors.js'
import type { SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import type { KeyedQueue } from '../util/keyed-queue.js'

/** How hard a compare-and-set update tries before `CONFLICT`. */
export interface CasPolicy {
  /** Attempts after the first. Default 16. */
  readonly maxRetries: number
  /** Upper bound of the jittered pause between attempts, in ms. Default 50. */
  readonly maxBackoffMs: number
}

/**
 * Read-modify-write of one value part, safe under concurrency: calls for the same part in this
 * process queue behind each other (so they never conflict), and compare-and-set on the part's
 * version settles races with other processes, retrying with jittered backoff.
 * `compute` gets the current value (or `undefined`) and returns the value to store.
 */
export function casUpdate<T extends JsonValue>(
  scope: SessionScope,
  queue: KeyedQueue,
  part: string,
  policy: CasPolicy,
  compute: (current: T | undefined) => Promise<T>,
): Promise<T> {
  return queue.run(`${scope.sessionId}\u0000${part}`, async () => {
    for (let attempt = 0; ; attempt++) {
      const current = await scope.store.getValue<T>(scope.sessionId, part)
      const next = await compute(current?.value)
      const result = await scope.store.setValue(scope.sessionId, part, next, {
        ifVersion: current?.version ?? 0,
        expiresAt: scope.activityExpiresAt(),
      })
      if (result.ok) return next
      if (attempt >= policy.maxRetries) {
        throw new SessionKitError(
          'CONFLICT',
          `${part} of session ${scope.sessionId} changed under ${attempt + 1} attempts; retry the call or raise maxRetries`,
          { details: { part, attempts: attempt + 1 } },
        )
      }
      await pause(Math.random() * Math.min(policy.maxBackoffMs, 2 ** attempt))
    }
  })
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
