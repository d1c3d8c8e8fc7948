import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createSessionKit } from '../../src/kit.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'

// The Postgres store is shared by every process that uses the database but keeps no rate-limit
// state: limits on it would count in each process alone. A kit or limiter asked for limits on it
// is refused at construction unless it asks for per-process windows by name.
describe.runIf(postgresUrl !== undefined)('rate limits with a Postgres store', () => {
  const postgres = usePostgres()
  const rules = [{ name: 'requests', per: 'session', limit: 2, windowMs: 60_000 }] as const

  it('a kit with limits and no perProcess is INVALID_CONFIG naming limits.perProcess, saying what to do', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    let error: unknown
    try {
      createSessionKit({ store, limits: { rules } })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', details: { option: 'limits.perProcess' } })
    expect(String((error as Error).message)).toMatch(
      /each process would count alone.*Redis store.*perProcess: true/,
    )
    // A kit without limits is fine (closing it closes the store), and so is one that asks for
    // per-process windows.
    await createSessionKit({ store }).close()
    const another = await postgres.makeStore(createManualClock(Date.now()))
    const kit = createSessionKit({ store: another, limits: { rules, perProcess: true } })
    const session = await kit.create()
    expect((await session.limits.consume({ requests: 2 })).allowed).toBe(true)
    expect((await session.limits.consume({ requests: 1 })).allowed).toBe(false)
    expect(kit.limits.stats().backend).toBe('memory')
    await kit.close()
  })

  it('createRateLimiter on the store: the same refusal, naming perProcess', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    expect(() => createRateLimiter({ store, rules })).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        details: expect.objectContaining({ option: 'perProcess' }),
      }),
    )
    expect(createRateLimiter({ store, rules, perProcess: true }).stats().backend).toBe('memory')
    expect(() => createRateLimiter({ store, rules, perProcess: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
  })
})
