import { expect } from 'vitest'
import type { ManualClock } from '../../src/clock.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { SessionStore } from '../../src/store/contract.js'

/**
 * A kit on `store` (made with a touch step of `stepMs`) reads one session every 5 s for five
 * minutes, as a busy client would: `written(id)` must change once per minute (one write per step,
 * not one per read), and the session's expiry must never fall more than a step short of its idle
 * time. Resolves the kit, still open, for the caller's own checks. `written` reads, on the server,
 * something every write of the record's row or header changes.
 */
export async function checkFacadeTouchStep(
  store: SessionStore,
  clock: ManualClock,
  written: (id: string) => Promise<unknown>,
  stepMs: number,
): Promise<{ kit: SessionKit; id: string; idleMs: number }> {
  const idleMs = 30 * 60_000
  const kit = createSessionKit({ store, clock, ttl: { idleMs } })
  const session = await kit.create()
  let writes = 0
  let last = await written(session.id)
  for (let second = 0; second < 5 * 60; second += 5) {
    clock.advance(5_000)
    const read = await kit.get(session.id, { touch: true })
    expect(read).toBeDefined()
    expect(read!.expiresAt).toBeGreaterThan(clock.now() + idleMs - stepMs)
    expect(read!.expiresAt).toBeLessThanOrEqual(clock.now() + idleMs)
    const now = await written(session.id)
    if (now !== last) writes++
    last = now
  }
  // Five minutes of reads every 5 s: one write per minute, not 60.
  expect(writes).toBe(Math.floor((5 * 60_000) / stepMs))
  return { kit, id: session.id, idleMs }
}
