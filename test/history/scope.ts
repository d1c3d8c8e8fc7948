import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createHistory, type HistoryOptionsInput, parseHistoryOptions } from '../../src/history/index.js'
import type { SessionScope } from '../../src/session-scope.js'
import type { SessionStore } from '../../src/store/contract.js'
import type { StoreFixture } from '../helpers/stores.js'

/** Idle expiry of the hand-made sessions below. */
export const IDLE_MS = 30 * 60_000

/**
 * A session record on `store` and the scope the facade would hand the history module, made by
 * hand so the module is tested without the facade.
 */
export async function makeScope(
  store: SessionStore,
  clock: ManualClock,
  sessionId = 'sess-history-1',
): Promise<SessionScope> {
  await store.create(sessionId, { expiresAt: clock.now() + IDLE_MS })
  return {
    store,
    clock,
    sessionId,
    userId: undefined,
    userRecordId: undefined,
    activityExpiresAt: () => clock.now() + IDLE_MS,
    userExpiresAt: () => clock.now() + 30 * 86_400_000,
  }
}

/** A realistic start time for manual clocks. */
export const T0 = Date.parse('2026-01-15T10:30:00Z')

/** A fresh store of `fixture` on a manual clock at {@link T0}, a session on it, and its history module. */
export async function makeHistory(fixture: StoreFixture, options: HistoryOptionsInput = {}) {
  const clock = createManualClock(T0)
  const store = await fixture.make(clock)
  const scope = await makeScope(store, clock)
  return { clock, store, scope, history: createHistory(scope, parseHistoryOptions(options)) }
}
