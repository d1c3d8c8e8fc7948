import type { Clock } from '../clock.js'
import { invalidArgument } from '../errors.js'
import type { Costs, Subjects } from '../limits/input.js'
import { limiterFrom, type RateLimiter } from '../limits/limiter.js'
import type { ResolvedLimitsOptions } from '../limits/options.js'
import type { LimitResult, Reservation } from '../limits/result.js'
import type { SessionStore } from '../store/contract.js'
import type { WarningHandler } from '../warnings.js'

/**
 * A session's rate limits (`session.limits`): the kit's limiter with the session and its user
 * filled in, so per-user rules are shared by all of the user's sessions, on every device. The
 * session is named by its key (a digest of its first id), not its id: the key survives rotation,
 * so a login or `regenerate` never starts its windows afresh, and no credential reaches a key.
 *
 * @example
 * const r = await session.limits.consume({ requests: 1, tokens: 800 }, { tenant: apiKeyId })
 */
export interface SessionLimits {
  /** `limiter.consume({ session, user, ...subjects }, costs)`; `subjects` adds others (tenant, ip). */
  consume(costs: Costs, subjects?: Subjects): Promise<LimitResult>
  /** `limiter.settle`: replaces reserved costs by the actual ones. */
  settle(reservation: Reservation, actual: Costs): Promise<void>
  /** `limiter.refund`: gives back everything a reservation took. */
  refund(reservation: Reservation): Promise<void>
}

/** The kit's limiter, made on first use from the `limits` option (no rules without it). */
export function lazyLimiter(
  options: ResolvedLimitsOptions | undefined,
  store: SessionStore,
  clock: Clock,
  onWarning: WarningHandler,
): () => RateLimiter {
  let limiter: RateLimiter | undefined
  return () => {
    // The kit registers the limiter's metrics on its meter itself, with its own.
    limiter ??= limiterFrom(options ?? { rules: [], maxKeys: 1, maxBytes: 1 }, clock, store, { onWarning })
    return limiter
  }
}

/** Binds the kit's limiter to one session, named by its key (`SessionScope.sessionKey`). */
export function sessionLimits(
  limiter: RateLimiter,
  sessionKey: string,
  userId: string | undefined,
): SessionLimits {
  return {
    consume(costs, subjects) {
      if (subjects !== undefined && (typeof subjects !== 'object' || subjects === null)) {
        return Promise.reject(
          invalidArgument('session.limits.consume(costs, subjects?): subjects is an object'),
        )
      }
      // The session and its user come from the session itself, never from the caller.
      if (subjects !== undefined && (subjects.session !== undefined || subjects.user !== undefined)) {
        return Promise.reject(
          invalidArgument(
            'session.limits fills in session and user itself; pass other subjects (tenant, ...)',
          ),
        )
      }
      return limiter.consume({ ...subjects, session: sessionKey, user: userId }, costs)
    },
    settle: (reservation, actual) => limiter.settle(reservation, actual),
    refund: (reservation) => limiter.refund(reservation),
  }
}
