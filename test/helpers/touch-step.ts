import { expect } from 'vitest'
import type { ManualClock } from '../../src/clock.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { JsonValue, SessionStore } from '../../src/store/contract.js'
import { rng } from './rng.js'

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

/** `mergeValue`: the value is written every time, the record's expiry only by the step. */
export async function checkMergeValueStep(
  store: SessionStore,
  clock: ManualClock,
  probe: TouchStepProbe,
): Promise<void> {
  const start = clock.now()
  await store.create('m', { expiresAt: start + 30 * MINUTE })
  await store.setValue('m', 'prefs', { a: 1 })
  clock.advance(20 * SECOND)
  const first = await store.mergeValue!('m', 'prefs', { b: 2 }, { expiresAt: clock.now() + 30 * MINUTE })
  expect(first.value).toEqual({ a: 1, b: 2 })
  expect(await probe.expiry('m')).toBe(start + 30 * MINUTE)
  clock.advance(50 * SECOND)
  await store.mergeValue!('m', 'prefs', { c: 3 }, { expiresAt: clock.now() + 30 * MINUTE })
  expect(await probe.expiry('m')).toBe(clock.now() + 30 * MINUTE)
  // An earlier expiry is written, however close.
  await store.mergeValue!('m', 'prefs', { d: 4 }, { expiresAt: clock.now() + 30 * MINUTE - SECOND })
  expect(await probe.expiry('m')).toBe(clock.now() + 30 * MINUTE - SECOND)
  expect(await store.getValue('m', 'prefs')).toEqual({ value: { a: 1, b: 2, c: 3, d: 4 }, version: 4 })
  // A merge without this process's copy of the value (the part deleted) is merged by the server,
  // by the same rule.
  await store.deletePart('m', 'prefs')
  clock.advance(10 * SECOND)
  const merged = await store.mergeValue!('m', 'prefs', { y: 1 }, { expiresAt: clock.now() + 30 * MINUTE })
  expect(merged.value).toEqual({ y: 1 })
  expect(await probe.expiry('m')).toBe(clock.now() - 10 * SECOND + 30 * MINUTE - SECOND)
}

/**
 * `touchMeta` on random input against the rules written out plainly: a condition on a fact present
 * with another value holds the expiry (answered untouched); the new expiry is capped by a
 * `notAfter` fact only when that holds a number (not a string, not an array such as `[5]`); it is
 * written when earlier, or later by at least the step; an expired record reads as missing. Each
 * answer and the stored expiry are checked, over reads that skip and reads that write, so a store
 * that decides some touches without its writing call answers as that call would.
 */
export async function checkTouchMetaStepRandom(
  store: SessionStore,
  clock: ManualClock,
  probe: TouchStepProbe,
  seed: number,
): Promise<{ skipped: number; written: number; held: number }> {
  const random = rng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const start = clock.now()
  const data = { u: 'alice', end: start + 50 * MINUTE, tag: [5], name: 'x' }
  let expiresAt = start + 30 * MINUTE
  await store.create('rand', { expiresAt, data })
  const conditions: (Record<string, JsonValue> | undefined)[] = [
    undefined,
    { u: 'alice' },
    { u: 'mallory' },
    { u: null },
    { absent: 'any' },
    { u: 'alice', tag: [5] },
    { tag: [6] },
  ]
  const caps = [undefined, 'end', 'tag', 'name', 'absent']
  const counts = { skipped: 0, written: 0, held: 0 }
  for (let call = 0; call < 80; call++) {
    clock.advance(Math.floor(random() * 40 * SECOND))
    const now = clock.now()
    const ifDataAbsentOr = pick(conditions)
    const notAfter = pick(caps)
    // From half a step before the stored expiry to two and a half after it: a third within the step.
    const asked = expiresAt + Math.floor((random() * 3 - 0.5) * TOUCH_STEP_MS)
    const answer = await store.touchMeta!('rand', asked, {
      ...(notAfter === undefined ? {} : { notAfter }),
      ...(ifDataAbsentOr === undefined ? {} : { ifDataAbsentOr }),
    })
    if (expiresAt <= now) {
      expect(answer, `call ${call}: an expired record reads as missing`).toBe(undefined)
      continue
    }
    const what = `call ${call} (${JSON.stringify({ ifDataAbsentOr, notAfter, asked: asked - expiresAt })})`
    const held = Object.entries(ifDataAbsentOr ?? {}).some(
      ([name, value]) =>
        name in data && JSON.stringify(data[name as keyof typeof data]) !== JSON.stringify(value),
    )
    const target = notAfter === 'end' ? Math.min(asked, data.end) : asked
    const within = target >= expiresAt && target - expiresAt < TOUCH_STEP_MS
    if (held) counts.held++
    else if (within) counts.skipped++
    else {
      counts.written++
      expiresAt = target
    }
    expect(answer, what).toEqual({
      meta: { id: 'rand', createdAt: start, expiresAt, data },
      touched: !held,
    })
    expect(await probe.expiry('rand'), what).toBe(expiresAt)
  }
  return counts
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
