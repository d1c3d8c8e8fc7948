import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'

const MINUTE = 60_000

// A part that once held a list keeps its row after it is emptied (the row holds the list's
// sequence counter), so a later write to that name finds a row where another store finds nothing.
describe.runIf(postgresUrl !== undefined)('Postgres part rows that outlive their contents', () => {
  const postgres = usePostgres()

  it('mergeValue and setValue write a name that held a list, then a value whose own expiry passed', async () => {
    const clock = createManualClock(Date.now())
    const store = await postgres.makeStore(clock)
    await store.create('r', { expiresAt: clock.now() + 10 * MINUTE })
    await store.push('r', 'p', ['a', 'b'], { max: 5 })
    await store.deletePart('r', 'p')
    await store.setValue('r', 'p', { a: 1 }, { partExpiresAt: clock.now() + MINUTE })
    clock.advance(2 * MINUTE)
    expect(await store.getValue('r', 'p')).toBe(undefined)
    expect(await store.mergeValue!('r', 'p', { b: 2 })).toEqual({ value: { b: 2 }, version: 1 })
    expect(await store.getValue('r', 'p')).toEqual({ value: { b: 2 }, version: 1 })
    await store.setValue('r', 'p', { c: 3 }, { partExpiresAt: clock.now() + MINUTE })
    clock.advance(2 * MINUTE)
    expect(await store.setValue('r', 'p', { d: 4 })).toEqual({ ok: true, version: 1 })
    // The list's counter still stands behind the name: a new list goes on from it.
    await store.deletePart('r', 'p')
    expect((await store.push('r', 'p', ['c'], { max: 5 })).lastSeq).toBe(3)
  })
})
