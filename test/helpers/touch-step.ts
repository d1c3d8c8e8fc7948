import { expect } from 'vitest'
import type { ManualClock } from '../../src/clock.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { SessionStore } from '../../src/store/contract.js'

// The checks of `touchStepMs` every store that has it must pass, on a store made with this step.
// `probe` reads the server: `written(id)` something every write of the record's header changes
// (so "nothing written" is checked there, not inferred from the answer), `expiry(id)` the stored
// expiry.

/** The step the stores under these checks are made with. */
export const TOUCH_STEP_MS = 60_000

const SECOND = 1000
const MINUTE = 60 * SECOND

/** What a touch-step check reads of a record on the server. */
export interface TouchStepProbe {
  written(id: string): Promise<unknown>
  expiry(id: string): Promise<number>
}

/** `touch`: later by less than the step writes nothing; by the step, or earlier, writes. */
export async function checkTouchStep(
  store: SessionStore,
  clock: ManualClock,
  probe: TouchStepProbe,
): Promise<void> {
  const start = clock.now()
  await store.create('r', { expiresAt: start + 30 * MINUTE })
  const written = await probe.written('r')
  clock.advance(30 * SECOND)
  expect(await store.touch('r', clock.now() + 30 * MINUTE)).toBe(true)
  expect(await probe.written('r')).toBe(written)
  expect(await probe.expiry('r')).toBe(start + 30 * MINUTE)
  clock.advance(30 * SECOND)
  expect(await store.touch('r', clock.now() + 30 * MINUTE)).toBe(true)
  expect(await probe.expiry('r')).toBe(start + 31 * MINUTE)
  expect(await probe.written('r')).not.toBe(written)
  // An earlier expiry is always written, however close.
  expect(await store.touch('r', start + 31 * MINUTE - SECOND)).toBe(true)
  expect(await probe.expiry('r')).toBe(start + 31 * MINUTE - SECOND)
  expect(await store.touch('missing', clock.now() + MINUTE)).toBe(false)
  clock.advance(40 * MINUTE)
  expect(await store.touch('r', clock.now() + MINUTE)).toBe(false)
}

/** `touchMeta`: answers the stored expiry when it skips, checks the owner, and caps by `notAfter`. */
export async function checkTouchMetaStep(
  store: SessionStore,
  clock: ManualClock,
  probe: TouchStepProbe,
): Promise<void> {
  const start = clock.now()
  const end = start + 50 * MINUTE
  await store.create('r', { expiresAt: start + 30 * MINUTE, data: { u: 'alice', end } })
  const written = await probe.written('r')
  clock.advance(10 * SECOND)
  const skipped = await store.touchMeta!('r', clock.now() + 30 * MINUTE, {
    notAfter: 'end',
    ifDataAbsentOr: { u: 'alice' },
  })
  expect(skipped).toEqual({
    meta: { id: 'r', createdAt: start, expiresAt: start + 30 * MINUTE, data: { u: 'alice', end } },
    touched: true,
  })
  expect(await probe.written('r')).toBe(written)
  // Another owner: nothing moves, nothing is written, whatever the step.
  clock.advance(5 * MINUTE)
  const refused = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { ifDataAbsentOr: { u: 'mallory' } })
  expect(refused?.touched).toBe(false)
  expect(refused?.meta.expiresAt).toBe(start + 30 * MINUTE)
  expect(await probe.written('r')).toBe(written)
  // Past the step: written, capped by notAfter.
  const moved = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { notAfter: 'end' })
  expect(moved?.meta.expiresAt).toBe(clock.now() + 30 * MINUTE)
  expect(await probe.expiry('r')).toBe(clock.now() + 30 * MINUTE)
  expect(await probe.written('r')).not.toBe(written)
  clock.advance(20 * MINUTE)
  const capped = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { notAfter: 'end' })
  expect(capped?.meta.expiresAt).toBe(end)
  expect(await store.touchMeta!('missing', clock.now() + MINUTE)).toBe(undefined)
}

/**
 * A kit on `store` reads one session every 5 s for five minutes, as a busy client would: the
 * record must be written once per minute (one write per step, not one per read), and the
 * session's expiry must never fall more than a step short of its idle time. Resolves the kit,
 * still open, for the caller's own checks.
 */
export async function checkFacadeTouchStep(
  store: SessionStore,
  clock: ManualClock,
  probe: TouchStepProbe,
): Promise<{ kit: SessionKit; id: string; idleMs: number }> {
  const idleMs = 30 * MINUTE
  const kit = createSessionKit({ store, clock, ttl: { idleMs } })
  const session = await kit.create()
  let writes = 0
  let last = await probe.written(session.id)
  for (let second = 0; second < 5 * 60; second += 5) {
    clock.advance(5 * SECOND)
    const read = await kit.get(session.id, { touch: true })
    expect(read).toBeDefined()
    expect(read!.expiresAt).toBeGreaterThan(clock.now() + idleMs - TOUCH_STEP_MS)
    expect(read!.expiresAt).toBeLessThanOrEqual(clock.now() + idleMs)
    const now = await probe.written(session.id)
    if (now !== last) writes++
    last = now
  }
  // Five minutes of reads every 5 s: one write per minute, not 60.
  expect(writes).toBe(5)
  return { kit, id: session.id, idleMs }
}
