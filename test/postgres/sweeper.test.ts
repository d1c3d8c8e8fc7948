import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import type { SessionKitError } from '../../src/errors.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { createPostgresStore, migrate, type PostgresStoreOptions } from '../../src/postgres/index.js'
import { postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'

const MINUTE = 60_000

describe.runIf(postgresUrl !== undefined)('Postgres sweeper', () => {
  const postgres = usePostgres()
  /** A store on a manual clock in a new, migrated schema, with `options` over the test defaults. */
  const sweepable = async (options: Partial<PostgresStoreOptions>) => {
    const clock = createManualClock(Date.now())
    const schema = uniqueSchema()
    await migrate(postgres.pool(), { schema })
    const store = createPostgresStore({
      pool: postgres.pool(),
      schema,
      clock,
      sweepIntervalMs: 0,
      ...options,
    })
    return { clock, schema, store }
  }
  const rows = async (schema: string, table: string): Promise<number> =>
    Number(
      (await postgres.pool().query(`SELECT count(*)::int AS n FROM "${schema}"."records${table}"`)).rows[0].n,
    )

  it('deletes expired records with their parts in batches, after the grace, and leaves live ones', async () => {
    const { clock, schema, store } = await sweepable({ sweepBatchSize: 2, expiryGraceMs: MINUTE })
    for (let i = 0; i < 5; i++) {
      await store.create(`gone${i}`, { expiresAt: clock.now() + MINUTE })
      await store.push(`gone${i}`, 'log', ['a', 'b'], { max: 10, idempotencyKey: 'k' })
      await store.updateMap(`gone${i}`, 'cart', { set: { x: 1 } })
      await store.setValue(`gone${i}`, 'state', 1)
    }
    await store.create('live', { expiresAt: clock.now() + 10 * MINUTE })
    await store.push('live', 'log', ['kept'], { max: 10 })
    clock.advance(MINUTE)
    // Expired, so never returned, but within the grace: still on disk.
    expect(await store.meta('gone0')).toBe(undefined)
    expect(await store.sweep()).toEqual({ records: 0, parts: 0, tombstones: 0, rateLimits: 0 })
    expect(await rows(schema, '')).toBe(6)
    clock.advance(MINUTE)
    expect(await store.sweep()).toEqual({ records: 5, parts: 0, tombstones: 0, rateLimits: 0 })
    expect(await rows(schema, '')).toBe(1)
    for (const table of ['_parts', '_entries']) expect(await rows(schema, table)).toBe(1)
    for (const table of ['_fields', '_keys']) expect(await rows(schema, table)).toBe(0)
    expect((await store.range('live', 'log', 0, -1)).entries.map((e) => e.value)).toEqual(['kept'])
    await store.close()
  })

  it('empties parts whose own expiry passed; a list keeps its sequence counter', async () => {
    const { clock, schema, store } = await sweepable({ expiryGraceMs: 0 })
    await store.create('r', { expiresAt: clock.now() + 10 * MINUTE })
    await store.push('r', 'log', [1, 2, 3], { max: 10, partExpiresAt: clock.now() + MINUTE })
    await store.updateMap('r', 'cart', { set: { a: 1 } }, { partExpiresAt: clock.now() + MINUTE })
    await store.setValue('r', 'state', 'stays')
    clock.advance(MINUTE)
    expect(await store.sweep()).toEqual({ records: 0, parts: 2, tombstones: 0, rateLimits: 0 })
    expect(await rows(schema, '_entries')).toBe(0)
    expect(await rows(schema, '_fields')).toBe(0)
    expect((await store.push('r', 'log', [4], { max: 10 })).firstSeq).toBe(4)
    expect((await store.getValue('r', 'state'))?.value).toBe('stays')
    await store.close()
  })

  it('leaves the tombstone of a record it deletes, and deletes tombstones once they end, in batches', async () => {
    const { clock, schema, store } = await sweepable({ sweepBatchSize: 2, expiryGraceMs: 0 })
    for (const id of ['t1', 't2', 't3']) {
      await store.create(id, { expiresAt: clock.now() + MINUTE, tombstoneUntil: clock.now() + 5 * MINUTE })
    }
    await store.create('plain', { expiresAt: clock.now() + MINUTE })
    clock.advance(MINUTE)
    expect(await store.sweep()).toEqual({ records: 4, parts: 0, tombstones: 0, rateLimits: 0 })
    expect(await rows(schema, '')).toBe(0)
    expect(await rows(schema, '_tombstones')).toBe(3)
    expect(await store.create('t1', { expiresAt: clock.now() + MINUTE })).toBe(false)
    expect(await store.create('plain', { expiresAt: clock.now() + MINUTE })).toBe(true)
    clock.advance(4 * MINUTE)
    // The new 'plain' has expired too.
    expect(await store.sweep()).toEqual({ records: 1, parts: 0, tombstones: 3, rateLimits: 0 })
    expect(await rows(schema, '_tombstones')).toBe(0)
    expect(await store.create('t1', { expiresAt: clock.now() + MINUTE })).toBe(true)
    await store.close()
  })

  it('deletes rate-limit rows once their state stopped mattering plus the grace, in batches, and leaves live ones', async () => {
    const { clock, schema, store } = await sweepable({ sweepBatchSize: 2, expiryGraceMs: MINUTE })
    const limiter = createRateLimiter({
      store,
      rules: [
        { name: 'requests', per: 'session', limit: 5, windowMs: MINUTE },
        { name: 'tokens', per: 'user', algorithm: 'token-bucket', limit: 100, windowMs: MINUTE },
      ],
    })
    for (let i = 0; i < 3; i++)
      await limiter.consume({ session: `s${i}`, user: `u${i}` }, { requests: 1, tokens: 50 })
    expect(await rows(schema, '_limits')).toBe(6)
    // Each row matters until its window has passed (plus an eighth: the slack that spares a busy
    // row an index update on every call), and is kept for the grace after that.
    clock.advance(MINUTE + MINUTE / 8)
    await limiter.consume({ session: 'live' }, { requests: 1 })
    expect(await store.sweep()).toEqual({ records: 0, parts: 0, tombstones: 0, rateLimits: 0 })
    clock.advance(MINUTE)
    expect(await store.sweep()).toEqual({ records: 0, parts: 0, tombstones: 0, rateLimits: 6 })
    const left = await postgres.pool().query(`SELECT subject, rule FROM "${schema}".records_limits`)
    expect(left.rows).toEqual([{ subject: 'session:live', rule: 'requests' }])
    // The swept subjects start afresh.
    expect(await limiter.consume({ session: 's0' }, { requests: 5 })).toMatchObject({
      allowed: true,
      remaining: 0,
    })
    await store.close()
  })

  it('runs on its own every sweepIntervalMs until the store is closed', async () => {
    const { clock, schema, store } = await sweepable({ sweepIntervalMs: 20, expiryGraceMs: 0 })
    await store.create('a', { expiresAt: clock.now() + MINUTE })
    clock.advance(MINUTE)
    await expect.poll(() => rows(schema, ''), { timeout: 10_000 }).toBe(0)
    await store.close()
  })

  it('reports a failed interval sweep to onSweepError and keeps going', async () => {
    const schema = uniqueSchema()
    const errors: SessionKitError[] = []
    // Never migrated: every sweep fails.
    const store = createPostgresStore({
      pool: postgres.pool(),
      schema,
      sweepIntervalMs: 20,
      onSweepError: (error) => errors.push(error),
    })
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    await store.close()
    expect(errors[0]?.code).toBe('STORE_REJECTED')
    expect(errors[0]?.message).toContain('migrate(')
  })

  it('finds expired rows through an index on expiry', async () => {
    const schema = uniqueSchema()
    await migrate(postgres.pool(), { schema })
    const indexes = await postgres
      .pool()
      .query('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE $2', [
        schema,
        '%expir%',
      ])
    expect(indexes.rows.map((r) => r.indexdef).sort()).toEqual([
      `CREATE INDEX records_expiry_minute ON ${schema}.records USING btree (expiry_minute)`,
      `CREATE INDEX records_limits_expires_at ON ${schema}.records_limits USING btree (expires_at)`,
      `CREATE INDEX records_parts_expires_at ON ${schema}.records_parts USING btree (expires_at) WHERE (expires_at IS NOT NULL)`,
    ])
    const ends = await postgres
      .pool()
      .query('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [
        schema,
        'records_tombstones',
      ])
    expect(ends.rows.map((r) => r.indexdef).sort()).toEqual([
      `CREATE INDEX records_tombstones_until ON ${schema}.records_tombstones USING btree (until)`,
      `CREATE UNIQUE INDEX records_tombstones_pkey ON ${schema}.records_tombstones USING btree (digest)`,
    ])
  })
})
