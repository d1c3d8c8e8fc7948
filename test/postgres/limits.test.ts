import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionKit } from '../../src/kit.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import type { RateRule } from '../../src/limits/rules.js'
import { createPostgresStore, migrate } from '../../src/postgres/index.js'
import type { SessionStore } from '../../src/store/contract.js'
import type { RateCharge, RateRuleSpec } from '../../src/store/rate-limit-backend.js'
import { createPool, postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'
import { startPostgres } from '../integration/postgres-harness.js'
import { freePort } from '../integration/redis-harness.js'

const MINUTE = 60_000
const T0 = Date.parse('2026-01-01T00:00:00Z')
const requests: RateRule = { name: 'requests', per: 'session', limit: 2, windowMs: MINUTE }

/** A limiter on `store` with a fail-open per-session rule and a fail-closed per-user one. */
const failOpenAndClosed = (store: SessionStore) =>
  createRateLimiter({
    store,
    rules: [
      { ...requests, onStoreError: 'allow' },
      { name: 'tokens', per: 'user', limit: 1000, windowMs: MINUTE, onStoreError: 'deny' },
    ],
    onWarning: () => {},
  })

// The Postgres store keeps rate-limit state (store.rateLimits) in the database, one row per rule
// and subject: every process that shares the database counts in the same windows. The limiter
// suites under test/limits/ run on it as on Redis (forEachStore); this file holds what is
// Postgres's own: several stores on one database, lock order, errors, expiry of rows, bounds.
describe.runIf(postgresUrl !== undefined)('rate limits on the Postgres store', () => {
  const postgres = usePostgres()
  const rowsOf = async (schema: string) =>
    (
      await postgres
        .pool()
        .query(`SELECT * FROM "${schema}".records_limits ORDER BY subject COLLATE "C", rule COLLATE "C"`)
    ).rows

  it('a kit with limits and no perProcess keeps its windows in the database, shared by every kit on it', async () => {
    const schema = uniqueSchema()
    const clock = createManualClock(T0)
    const pools = [createPool(2), createPool(2)]
    try {
      await migrate(pools[0]!, { schema })
      // Two kits on two pools: what two processes on one database see.
      const [a, b] = pools.map((pool) =>
        createSessionKit({
          store: createPostgresStore({ pool, schema, clock, sweepIntervalMs: 0 }),
          clock,
          limits: { rules: [requests, { name: 'tokens', per: 'user', limit: 1000, windowMs: MINUTE }] },
        }),
      )
      const session = await a!.create({ userId: 'u1' })
      expect((await session.limits.consume({ requests: 1, tokens: 600 })).allowed).toBe(true)
      const same = await b!.get(session.id, { userId: 'u1' })
      expect(await same!.limits.consume({ requests: 1, tokens: 600 })).toMatchObject({
        allowed: false,
        limited: ['tokens'],
      })
      expect(await same!.limits.consume({ requests: 1, tokens: 400 })).toMatchObject({
        allowed: true,
        remaining: 0,
      })
      expect((await session.limits.consume({ requests: 1 })).limited).toEqual(['requests'])
      expect(a!.limits.stats().backend).toBe('store')
      await Promise.all([a!.close(), b!.close()])
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
    }
  })

  it('createRateLimiter on the store needs no perProcess, and still takes it', async () => {
    const store = await postgres.makeStore(createManualClock(T0))
    expect(createRateLimiter({ store, rules: [requests] }).stats().backend).toBe('store')
    // perProcess only permits per-process windows; a store that keeps them is used all the same.
    expect(createRateLimiter({ store, rules: [requests], perProcess: true }).stats().backend).toBe('store')
  })

  it('locks the rows of a consume in key order: consumes naming the same subjects in opposite orders never deadlock', async () => {
    const pool = createPool(8)
    try {
      const schema = uniqueSchema()
      await migrate(pool, { schema })
      const store = createPostgresStore({ pool, schema, sweepIntervalMs: 0, commandTimeoutMs: 30_000 })
      const rule: RateRuleSpec = {
        name: 'r',
        algorithm: 'sliding-window',
        limit: 1e9,
        windowMs: MINUTE,
        burst: 1e9,
      }
      const subjects = ['tenant:a', 'tenant:b', 'tenant:c', 'tenant:d']
      const charges = subjects.map((subject): RateCharge => ({ rule, subject, cost: 1 }))
      const backwards = [...charges].reverse()
      // 8 connections, each sending consumes of all four rows, half in one order, half in the other.
      const outcomes = await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          store.rateLimits!.consume(i % 2 === 0 ? charges : backwards, Date.now()),
        ),
      )
      // A deadlock aborts one of the statements (SQLSTATE 40P01): its charges would fail.
      const failed = outcomes.flat().filter((o) => 'error' in o)
      expect(failed).toEqual([])
      expect(outcomes.every((o) => o.every((c) => 'taken' in c && c.taken))).toBe(true)
      const sums = await pool.query(`SELECT subject, sum FROM "${schema}".records_limits ORDER BY subject`)
      expect(sums.rows).toEqual(subjects.map((subject) => ({ subject, sum: 400 })))
      await store.close()
    } finally {
      await pool.end()
    }
  })

  it('bad input is refused before the database, leaving every row as it was', async () => {
    const store = await postgres.makeStore(createManualClock(T0))
    const limiter = createRateLimiter({ store, rules: [requests] })
    await limiter.consume({ session: 's1' }, { requests: 1 })
    const schema = (store as { schema: string }).schema
    const before = await rowsOf(schema)
    const attempts: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{ session: "x'); DROP TABLE records_limits; --" }, { requests: 1 }, 'INVALID_ARGUMENT'],
      [{ session: '__proto__' }, { requests: 1 }, 'INVALID_ARGUMENT'],
      [{ session: 's1' }, { requests: -1 }, 'INVALID_ARGUMENT'],
      [{ session: 's1' }, { requests: 1.5 }, 'INVALID_ARGUMENT'],
      [{ session: 's1' }, { requests: 3 }, 'LIMIT_EXCEEDED'],
      [{ session: 's1' }, { request: 1 }, 'INVALID_ARGUMENT'],
      [{ sesion: 's1' }, { requests: 1 }, 'INVALID_ARGUMENT'],
    ]
    for (const [subjects, costs, code] of attempts) {
      await expect(limiter.consume(subjects as never, costs as never)).rejects.toSatisfy((error) =>
        isSessionKitError(error, code as never),
      )
    }
    const r = await limiter.consume({ session: 's1' }, { requests: 0 })
    await expect(limiter.settle(r.reservation!, { requests: -5 })).rejects.toSatisfy((error) =>
      isSessionKitError(error, 'INVALID_ARGUMENT'),
    )
    expect(await rowsOf(schema)).toEqual(before)
  })

  it('a row is state until its window has passed, kept for expiryGraceMs after that, then read as absent (as Redis expires its key)', async () => {
    const clock = createManualClock(T0)
    const store = await postgres.makeStore(clock)
    const limiter = createRateLimiter({ store, rules: [requests] })
    const seqOf = async () =>
      (await limiter.consume({ session: 's1' }, { requests: 1 })).reservation!.charges[0]!.seq
    expect(await seqOf()).toBe(1)
    // The window has passed: the whole limit is back; the row still numbers its entries on.
    clock.advance(MINUTE)
    expect(await seqOf()).toBe(2)
    // Past the window, an eighth of it and the grace (the test store's 60 s): read as absent.
    clock.advance(MINUTE + MINUTE / 8 + MINUTE)
    expect(await seqOf()).toBe(1)
  })

  it('a log never holds more entries than its limit, however the calls come, settles included', async () => {
    const clock = createManualClock(T0)
    const store = await postgres.makeStore(clock)
    const limit = 20
    const limiter = createRateLimiter({
      store,
      rules: [{ name: 'tokens', per: 'user', limit, windowMs: MINUTE }],
    })
    for (let i = 0; i < 200; i++) {
      clock.advance(i % 3 === 0 ? 0 : 700)
      const r = await limiter.consume({ user: 'u1' }, { tokens: 1 + (i % 2) })
      if (r.allowed && i % 4 === 0) await limiter.settle(r.reservation!, { tokens: i % 8 === 0 ? 0 : 1 })
    }
    const schema = (store as { schema: string }).schema
    const [row] = await rowsOf(schema)
    expect(row.ats.length).toBeGreaterThan(0)
    expect(row.ats.length).toBeLessThanOrEqual(limit)
    expect(row.ats.length).toBe(row.costs.length)
    expect(row.costs.reduce((a: number, b: number) => a + b, 0)).toBe(row.sum)
    // Oldest first, one entry per millisecond, every one in the window.
    expect(row.ats).toEqual([...new Set<number>(row.ats)].sort((a, b) => a - b))
    expect(row.ats[0]).toBeGreaterThan(clock.now() - MINUTE)
  })

  it('a missing migration is STORE_REJECTED saying to run migrate(pool), whatever onStoreError says', async () => {
    const schema = uniqueSchema()
    await migrate(postgres.pool(), { schema })
    await postgres.pool().query(`DROP TABLE "${schema}".records_limits CASCADE`)
    const store = createPostgresStore({ pool: postgres.pool(), schema, sweepIntervalMs: 0 })
    const limiter = createRateLimiter({ store, rules: [{ ...requests, onStoreError: 'allow' }] })
    let error: unknown
    await limiter.consume({ session: 's1' }, { requests: 1 }).catch((e: unknown) => {
      error = e
    })
    expect(error).toMatchObject({ code: 'STORE_REJECTED', details: { reason: 'schema' } })
    expect(String((error as Error).message)).toContain(`run \`await migrate(pool, { schema: '${schema}'`)
    // A schema never migrated: the same.
    const bare = createPostgresStore({ pool: postgres.pool(), schema: uniqueSchema(), sweepIntervalMs: 0 })
    await expect(
      createRateLimiter({ store: bare, rules: [{ ...requests, onStoreError: 'allow' }] }).consume(
        { session: 's1' },
        { requests: 1 },
      ),
    ).rejects.toMatchObject({ code: 'STORE_REJECTED', message: expect.stringContaining('migrate(pool') })
    await Promise.all([store.close(), bare.close()])
  })

  it('a permission error is STORE_REJECTED naming what to grant, and never admits', async () => {
    const schema = uniqueSchema()
    const role = `${schema}_app`
    await migrate(postgres.pool(), { schema })
    await postgres.pool().query(`CREATE ROLE "${role}" LOGIN; GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`)
    const url = new URL(postgresUrl!)
    url.username = role
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 })
    try {
      const store = createPostgresStore({ pool, schema, sweepIntervalMs: 0 })
      const limiter = createRateLimiter({ store, rules: [{ ...requests, onStoreError: 'allow' }] })
      await expect(limiter.consume({ session: 's1' }, { requests: 1 })).rejects.toMatchObject({
        code: 'STORE_REJECTED',
        details: { reason: 'permission', code: '42501' },
        message: expect.stringContaining(`"${schema}"."records_*" functions`),
      })
      expect(limiter.stats()).toMatchObject({ allowed: 0, storeErrors: 0 })
      // The store's own calls say the same, rather than send the operator looking for an outage.
      await expect(store.meta('s1')).rejects.toMatchObject({
        code: 'STORE_REJECTED',
        details: { reason: 'permission', code: '42501' },
      })
      await store.close()
    } finally {
      await pool.end()
      await postgres.pool().query(`DROP OWNED BY "${role}"; DROP ROLE "${role}"`)
    }
  })

  // Its own server (about 2 s to start), stopped mid-run: the shared one must stay up.
  it('a server stopped mid-run: each rule answers by its onStoreError, the error is on the result', async () => {
    const server = await startPostgres()
    const pool = new pg.Pool({ connectionString: server.url, max: 2 })
    pool.on('error', () => {})
    try {
      await migrate(pool)
      const store = createPostgresStore({ pool, sweepIntervalMs: 0, commandTimeoutMs: 2000 })
      const limiter = failOpenAndClosed(store)
      const before = await limiter.consume({ session: 's1', user: 'u1' }, { requests: 1, tokens: 10 })
      expect(before).toMatchObject({ allowed: true, storeError: undefined })
      await server.stop()
      expect(await limiter.consume({ session: 's1' }, { requests: 1 })).toMatchObject({
        allowed: true,
        limited: [],
        storeError: { code: 'STORE_UNAVAILABLE' },
      })
      expect(await limiter.consume({ session: 's1', user: 'u1' }, { requests: 1, tokens: 10 })).toMatchObject(
        {
          allowed: false,
          limited: ['tokens'],
          reservation: undefined,
          storeError: { code: 'STORE_UNAVAILABLE' },
        },
      )
      await expect(limiter.settle(before.reservation!, { tokens: 5 })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      })
      expect(limiter.stats()).toMatchObject({ backend: 'store', storeErrors: 2, allowed: 2, denied: 1 })
      await store.close()
    } finally {
      await pool.end()
      await server.stop()
    }
  })

  it('a pool on a closed port: each rule answers by its onStoreError; a settle rejects', async () => {
    const pool = new pg.Pool({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
      max: 1,
    })
    pool.on('error', () => {})
    try {
      const store = createPostgresStore({ pool, sweepIntervalMs: 0, commandTimeoutMs: 2000 })
      const limiter = failOpenAndClosed(store)
      expect(await limiter.consume({ session: 's1' }, { requests: 1 })).toMatchObject({
        allowed: true,
        storeError: { code: 'STORE_UNAVAILABLE' },
      })
      expect(await limiter.consume({ session: 's1', user: 'u1' }, { requests: 1, tokens: 1 })).toMatchObject({
        allowed: false,
        limited: ['tokens'],
        retryAfterMs: 1000,
        storeError: { code: 'STORE_UNAVAILABLE' },
      })
      const reservation = {
        charges: [{ rule: 'tokens', subject: 'user:u1', cost: 5, at: T0, seq: 1 }],
      }
      await expect(limiter.settle(reservation as never, { tokens: 1 })).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      })
      expect(limiter.stats()).toMatchObject({ storeErrors: 2, allowed: 1, denied: 1 })
      await store.close()
    } finally {
      await pool.end()
    }
  })
})
