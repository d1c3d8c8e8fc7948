import { createManualClock } from '../../src/clock.js'
import { parseSeenOptions, type SeenModule, type SeenOptionsInput } from '../../src/seen/index.js'
import { createSeen } from '../../src/seen/seen-module.js'
import type { SessionScope } from '../../src/session-scope.js'
import { makeScope } from '../helpers/scope.js'
import type { StoreFixture } from '../helpers/stores.js'

export const T0 = Date.parse('2026-01-01T00:00:00Z')
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** One store with a manual clock at T0, and a way to open sessions on it. */
export async function makeWorld(fixture: StoreFixture, options: SeenOptionsInput = {}) {
  const clock = createManualClock(T0)
  const store = await fixture.make(clock)
  const parsed = parseSeenOptions(options)
  async function open(userId?: string): Promise<{ seen: SeenModule; scope: SessionScope }> {
    // A long idle TTL, so time can move freely.
    const scope = await makeScope(store, clock, { userId, idleMs: 7 * DAY })
    return { seen: createSeen(scope, parsed), scope }
  }
  return { clock, store, open }
}

/** `-weight * (1 - 2^-E)`: the decay penalty, by hand. */
export function decayPenalty(weight: number, mass: number): number {
  return -weight * (1 - 2 ** -mass)
}
