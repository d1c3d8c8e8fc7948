import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createRateLimiter, type RateLimiter } from '../../src/limits/limiter.js'
import type { RateRule } from '../../src/limits/rules.js'
import type { StoreFixture } from '../helpers/stores.js'

export const T0 = Date.parse('2026-01-01T00:00:00Z')
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

/**
 * A limiter on a manual clock at T0, with its state where `fixture`'s store keeps it: in the
 * store (Redis, Postgres), or in process memory (the memory store keeps none, so none is made for it).
 */
export async function makeLimiter(
  fixture: StoreFixture,
  rules: readonly RateRule[],
): Promise<{ limiter: RateLimiter; clock: ManualClock }> {
  const clock = createManualClock(T0)
  const store = fixture.name === 'memory' ? undefined : await fixture.make(clock)
  return { limiter: createRateLimiter({ store, clock, rules }), clock }
}
