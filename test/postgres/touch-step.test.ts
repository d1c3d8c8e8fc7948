import { describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createPostgresStore, type PostgresStore } from '../../src/postgres/index.js'
import { postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'
import {
  checkFacadeTouchStep,
  checkMergeValueStep,
  checkTouchMetaStep,
  checkTouchMetaStepRandom,
  checkTouchStep,
  TOUCH_STEP_MS,
  type TouchStepProbe,
} from '../helpers/touch-step.js'

// `touchStepMs` on PostgreSQL (the checks in test/helpers/touch-step.ts, and the expiry a merge
// moves). Whether a row was written is read from its `xmin`, the transaction that wrote its
// current version.
describe.runIf(postgresUrl !== undefined)('Postgres touchStepMs', () => {
  const postgres = usePostgres()

  const setup = async (): Promise<{
    store: PostgresStore
    clock: ManualClock
    probe: TouchStepProbe
    expiry: (id: string) => Promise<number>
  }> => {
    const clock = createManualClock(Date.now())
    const schema = uniqueSchema()
    const store = await postgres.makeStore(clock, { schema, touchStepMs: TOUCH_STEP_MS })
    const row = async (id: string) =>
      (
        await postgres
          .pool()
          .query(`SELECT xmin::text AS v, expires_at FROM "${schema}".records WHERE id = $1`, [id])
      ).rows[0] as { v: string; expires_at: number }
    const expiry = async (id: string) => Number((await row(id)).expires_at)
    return { store, clock, probe: { written: async (id) => (await row(id)).v, expiry }, expiry }
  }

  it('touch: later by less than the step writes nothing; by the step, or earlier, writes', async () => {
    const { store, clock, probe } = await setup()
    await checkTouchStep(store, clock, probe)
    await store.close()
  })

  it('touchMeta on random input answers, and stores, what the rules say (skips, writes, holds)', async () => {
    const { store, clock, probe } = await setup()
    const counts = await checkTouchMetaStepRandom(store, clock, probe, 11)
    // The sequence reaches every branch.
    expect(counts.skipped).toBeGreaterThan(5)
    expect(counts.written).toBeGreaterThan(5)
    expect(counts.held).toBeGreaterThan(5)
    await store.close()
  })

  it('touchMeta: answers the stored expiry when it skips, checks the owner, and caps by notAfter', async () => {
    const { store, clock, probe } = await setup()
    await checkTouchMetaStep(store, clock, probe)
    await store.close()
  })

  it('mergeValue: the value is written every time, the record expiry only by the step', async () => {
    const { store, clock, probe } = await setup()
    await checkMergeValueStep(store, clock, probe)
    await store.close()
  })

  it("the facade's sessions: read on every request, written once per step, never more than a step early", async () => {
    const { store, clock, probe } = await setup()
    const { kit } = await checkFacadeTouchStep(store, clock, probe)
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
