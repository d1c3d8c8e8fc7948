import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'

const MINUTE = 60_000
const ROUNDS = 40

/** The call's value, or its error code. */
const outcome = (call: Promise<unknown>): Promise<unknown> =>
  call.then(
    (value) => value,
    (error: unknown) => (isSessionKitError(error) ? error.code : `foreign: ${String(error)}`),
  )

// Races a single statement must settle: rename locks both rows in id order, and the insert of the
// new row is where a create of the same id queues. Each round is one pair of calls on fresh ids,
// sent at once through a pool of several connections.
describe.runIf(postgresUrl !== undefined)('Postgres rename under races', () => {
  const postgres = usePostgres()

  it('two records renamed onto each other at once never deadlock: both answer CONFLICT', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    const until = { tombstoneUntil: store.clock.now() + MINUTE }
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = [`a${round}`, `b${round}`]
      await store.create(a, { expiresAt: store.clock.now() + MINUTE })
      await store.create(b, { expiresAt: store.clock.now() + MINUTE })
      const answers = await Promise.all([
        outcome(store.rename(a, b, until)),
        outcome(store.rename(b, a, until)),
      ])
      expect(answers).toEqual(['CONFLICT', 'CONFLICT'])
    }
  })

  it('a create racing a rename onto the same id: exactly one gets it, and the record is never lost', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    const now = store.clock.now()
    const wins = { rename: 0, create: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      const [from, to] = [`from${round}`, `to${round}`]
      await store.create(from, { expiresAt: now + MINUTE, data: { owner: 'u1' } })
      await store.setValue(from, 'state', round)
      const [renamed, created] = await Promise.all([
        outcome(store.rename(from, to, { tombstoneUntil: now + MINUTE })),
        outcome(store.create(to, { expiresAt: now + MINUTE, data: { owner: 'intruder' } })),
      ])
      if (created === true) {
        wins.create++
        expect(renamed).toBe('CONFLICT')
        expect((await store.getValue(from, 'state'))?.value).toBe(round)
        expect((await store.meta(to))?.data).toEqual({ owner: 'intruder' })
      } else {
        wins.rename++
        expect(created).toBe(false)
        expect(renamed).toMatchObject({ id: to, data: { owner: 'u1' } })
        expect((await store.getValue(to, 'state'))?.value).toBe(round)
        expect(await store.meta(from)).toBe(undefined)
      }
    }
    expect(wins.rename + wins.create).toBe(ROUNDS)
  })

  it('writes racing a rename land under the new id or fail NOT_FOUND, never both and never lost', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    const now = store.clock.now()
    for (let round = 0; round < 10; round++) {
      const [from, to] = [`w${round}`, `w${round}-new`]
      await store.create(from, { expiresAt: now + MINUTE })
      const pushes = Array.from({ length: 20 }, (_, i) => outcome(store.push(from, 'log', [i], { max: 100 })))
      const renamed = await outcome(store.rename(from, to, { tombstoneUntil: now + MINUTE }))
      const answers = await Promise.all(pushes)
      expect(renamed).toMatchObject({ id: to })
      const landed = answers.filter((a) => a !== 'NOT_FOUND')
      expect(answers.filter((a) => a === 'NOT_FOUND').length + landed.length).toBe(20)
      const log = await store.range(to, 'log', 0, -1)
      expect(log.entries.map((e) => e.seq)).toEqual(Array.from({ length: landed.length }, (_, i) => i + 1))
    }
  })
})
