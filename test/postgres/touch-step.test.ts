import { describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createPostgresStore, type PostgresStore } from '../../src/postgres/index.js'
import { postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'
import { checkFacadeTouchStep } from '../helpers/touch-step.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const STEP = MINUTE

// `touchStepMs`: a touch that would move the expiry later by less than the step writes nothing.
// Whether a row was written is read from its `xmin` (the transaction that wrote its current
// version), so "nothing written" is checked on the server, not inferred from the answer.
describe.runIf(postgresUrl !== undefined)('Postgres touchStepMs', () => {
  const postgres = usePostgres()

  const setup = async (): Promise<{
    store: PostgresStore
    clock: ManualClock
    version: (id: string) => Promise<string>
    expiry: (id: string) => Promise<number>
  }> => {
    const clock = createManualClock(Date.now())
    const schema = uniqueSchema()
    const store = await postgres.makeStore(clock, { schema, touchStepMs: STEP })
    const row = async (id: string) =>
      (
        await postgres
          .pool()
          .query(`SELECT xmin::text AS v, expires_at FROM "${schema}".records WHERE id = $1`, [id])
      ).rows[0] as { v: string; expires_at: number }
    return {
      store,
      clock,
      version: async (id) => (await row(id)).v,
      expiry: async (id) => Number((await row(id)).expires_at),
    }
  }

  it('touch: later by less than the step writes nothing; by the step, or earlier, writes', async () => {
    const { store, clock, version, expiry } = await setup()
    const start = clock.now()
    await store.create('r', { expiresAt: start + 30 * MINUTE })
    const written = await version('r')
    clock.advance(30 * SECOND)
    expect(await store.touch('r', clock.now() + 30 * MINUTE)).toBe(true)
    expect(await version('r')).toBe(written)
    expect(await expiry('r')).toBe(start + 30 * MINUTE)
    clock.advance(30 * SECOND)
    expect(await store.touch('r', clock.now() + 30 * MINUTE)).toBe(true)
    expect(await expiry('r')).toBe(start + 31 * MINUTE)
    expect(await version('r')).not.toBe(written)
    // An earlier expiry is always written, however close.
    expect(await store.touch('r', start + 31 * MINUTE - SECOND)).toBe(true)
    expect(await expiry('r')).toBe(start + 31 * MINUTE - SECOND)
    expect(await store.touch('missing', clock.now() + MINUTE)).toBe(false)
    clock.advance(40 * MINUTE)
    expect(await store.touch('r', clock.now() + MINUTE)).toBe(false)
    await store.close()
  })

  it('touchMeta: answers the stored expiry when it skips, checks the owner, and caps by notAfter', async () => {
    const { store, clock, version } = await setup()
    const start = clock.now()
    const end = start + 50 * MINUTE
    await store.create('r', { expiresAt: start + 30 * MINUTE, data: { u: 'alice', end } })
    const written = await version('r')
    clock.advance(10 * SECOND)
    const skipped = await store.touchMeta!('r', clock.now() + 30 * MINUTE, {
      notAfter: 'end',
      ifDataAbsentOr: { u: 'alice' },
    })
    expect(skipped).toEqual({
      meta: { id: 'r', createdAt: start, expiresAt: start + 30 * MINUTE, data: { u: 'alice', end } },
      touched: true,
    })
    expect(await version('r')).toBe(written)
    // Another owner: nothing moves, nothing is written, whatever the step.
    clock.advance(5 * MINUTE)
    const refused = await store.touchMeta!('r', clock.now() + 30 * MINUTE, {
      ifDataAbsentOr: { u: 'mallory' },
    })
    expect(refused?.touched).toBe(false)
    expect(refused?.meta.expiresAt).toBe(start + 30 * MINUTE)
    expect(await version('r')).toBe(written)
    // Past the step: written, capped by notAfter.
    const moved = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { notAfter: 'end' })
    expect(moved?.meta.expiresAt).toBe(clock.now() + 30 * MINUTE)
    expect(await version('r')).not.toBe(written)
    clock.advance(20 * MINUTE)
    const capped = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { notAfter: 'end' })
    expect(capped?.meta.expiresAt).toBe(end)
    expect(await store.touchMeta!('missing', clock.now() + MINUTE)).toBe(undefined)
    await store.close()
  })

  it('mergeValue: the value is written every time, the record expiry only by the step', async () => {
    const { store, clock, expiry } = await setup()
    const start = clock.now()
    await store.create('r', { expiresAt: start + 30 * MINUTE })
    await store.setValue('r', 'prefs', { a: 1 })
    clock.advance(20 * SECOND)
    const first = await store.mergeValue!('r', 'prefs', { b: 2 }, { expiresAt: clock.now() + 30 * MINUTE })
    expect(first.value).toEqual({ a: 1, b: 2 })
    expect(await expiry('r')).toBe(start + 30 * MINUTE)
    clock.advance(50 * SECOND)
    await store.mergeValue!('r', 'prefs', { c: 3 }, { expiresAt: clock.now() + 30 * MINUTE })
    expect(await expiry('r')).toBe(clock.now() + 30 * MINUTE)
    expect(await store.getValue('r', 'prefs')).toEqual({ value: { a: 1, b: 2, c: 3 }, version: 3 })
    await store.close()
  })

  it("the facade's sessions: read on every request, written once per step, never more than a step early", async () => {
    const { store, clock, version } = await setup()
    const { kit } = await checkFacadeTouchStep(store, clock, version, STEP)
    await kit.close()
  })

  it('refuses a step that is not a whole number of ms from 0 to a day', () => {
    const pool = postgres.pool()
    for (const touchStepMs of [-1, 1.5, 86_400_001, Number.NaN]) {
      expect(() => createPostgresStore({ pool, touchStepMs })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('touchStepMs') }),
      )
    }
  })
})
