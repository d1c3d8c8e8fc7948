import { createManualClock, type ManualClock } from '../../src/clock.js'
import type { SessionKitOptions } from '../../src/kit/options.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { JsonValue } from '../../src/store/contract.js'
import type { StoreFixture } from './stores.js'

export const T0 = Date.parse('2026-01-01T00:00:00Z')

/** A kit on a fresh store of `fixture`, with a manual clock at T0. */
export async function makeKit<P = Record<string, JsonValue>, S = JsonValue>(
  fixture: StoreFixture,
  options: Omit<SessionKitOptions<P, S>, 'store' | 'clock'> = {},
): Promise<{ kit: SessionKit<P, S>; clock: ManualClock }> {
  const clock = createManualClock(T0)
  const store = await fixture.make(clock)
  return { kit: createSessionKit<P, S>({ ...options, store }), clock }
}
