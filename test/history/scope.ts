import { createManualClock } from '../../src/clock.js'
import { createHistory, type HistoryOptionsInput, parseHistoryOptions } from '../../src/history/index.js'
import { makeScope } from '../helpers/scope.js'
import type { StoreFixture } from '../helpers/stores.js'

/** Idle expiry of the hand-made sessions below. */
export const IDLE_MS = 30 * 60_000

/** A realistic start time for manual clocks. */
export const T0 = Date.parse('2026-01-15T10:30:00Z')

/** A fresh store of `fixture` on a manual clock at {@link T0}, a session on it, and its history module. */
export async function makeHistory(fixture: StoreFixture, options: HistoryOptionsInput = {}) {
  const clock = createManualClock(T0)
  const store = await fixture.make(clock)
  const scope = await makeScope(store, clock, { sessionId: 'sess-history-1', idleMs: IDLE_MS })
  return { clock, store, scope, history: createHistory(scope, parseHistoryOptions(options)) }
}
