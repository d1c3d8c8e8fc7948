import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { createPostgresStore, migrate, postgresMigrations } from '../../src/postgres/index.js'
import { migrationTemplates } from '../../src/postgres/sql/migrations.js'
import { createPool, postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'

const latest = migrationTemplates[migrationTemplates.length - 1]!.version

describe('Postgres migrations (no server)', () => {
  it('the generated migrations.ts matches the .sql files (run `node scripts/gen-sql.mjs` after editing them)', () => {
    const check = spawnSync(process.execPath, [
      join(import.meta.dirname, '../../scripts/gen-sql.mjs'),
      '--check',
    ])
    expect(check.stderr.toString()).toBe('')
    expect(check.status).toBe(0)
  })

  it('are numbered 1, 2, 3 ... without a gap, so a new operation is the next file', () => {
    expect(migrationTemplates.map((m) => m.version)).toEqual(migrationTemplates.map((_, i) => i + 1))
  })

  it('postgresMigrations renders every migration with the quoted names in place', () => {
    const sql = postgresMigrations({ schema: 'app', table: 'sessions' })
    expect(sql.map((m) => m.version)).toEqual(migrationTemplates.map((m) => m.version))
    for (const m of sql) {
      expect(m.sql).not.toContain('{{')
      expect(m.sql).toContain('"app".')
    }
    expect(sql[0]!.sql).toContain('CREATE TABLE "app"."sessions_parts"')
  })

  it('refuses a schema or table name that would need quoting, naming the option', async () => {
    const pool = { query: async () => ({ rows: [], rowCount: 0 }), connect: async () => ({}) as never }
    for (const [options, option] of [
      [{ schema: 'x"; DROP SCHEMA public CASCADE; --' }, 'schema'],
      [{ table: 'Sessions' }, 'table'],
      [{ table: '' }, 'table'],
      [{ schema: 'a'.repeat(41) }, 'schema'],
    ] as const) {
      let caught: unknown
      try {
        await migrate(pool, options)
      } catch (error) {
        caught = error
      }
      expect(isSessionKitError(caught, 'INVALID_CONFIG') && caught.details?.option).toBe(option)
      expect(() => createPostgresStore({ pool, ...options })).toThrow(/option "(schema|table)"/)
    }
  })
})

describe.runIf(postgresUrl !== undefined)('Postgres migrations', () => {
  const postgres = usePostgres()

  it('apply every version once, record them, and apply nothing the second time', async () => {
    const schema = uniqueSchema()
    const first = await migrate(postgres.pool(), { schema })
    expect(first).toEqual({ applied: migrationTemplates.map((m) => m.version), version: latest })
    expect(await migrate(postgres.pool(), { schema })).toEqual({ applied: [], version: latest })
    const rows = await postgres
      .pool()
      .query(`SELECT version, name FROM "${schema}"."records_migrations" ORDER BY version`)
    expect(rows.rows).toEqual(migrationTemplates.map((m) => ({ version: m.version, name: m.name })))
  })

  it('run from eight connections at once: one applies everything, the others wait and apply nothing', async () => {
    const schema = uniqueSchema()
    const pools = Array.from({ length: 8 }, () => createPool(1))
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool, { schema })))
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1)
      expect(results.every((r) => r.version === latest)).toBe(true)
    } finally {
      await Promise.all(pools.map((pool) => pool.end()))
    }
  })

  it('put a store under another table name in its own tables', async () => {
    const schema = uniqueSchema()
    await migrate(postgres.pool(), { schema, table: 'sessions' })
    const store = createPostgresStore({
      pool: postgres.pool(),
      schema,
      table: 'sessions',
      sweepIntervalMs: 0,
    })
    await store.create('s1', { expiresAt: Date.now() + 60_000 })
    const rows = await postgres.pool().query(`SELECT id FROM "${schema}"."sessions"`)
    expect(rows.rows).toEqual([{ id: 's1' }])
    await store.close()
  })

  it('a store on a schema that was never migrated says to run migrate()', async () => {
    const store = createPostgresStore({ pool: postgres.pool(), schema: uniqueSchema(), sweepIntervalMs: 0 })
    let caught: unknown
    try {
      await store.meta('s1')
    } catch (error) {
      caught = error
    }
    expect(isSessionKitError(caught, 'STORE_REJECTED')).toBe(true)
    expect((caught as { details?: { reason?: string } }).details?.reason).toBe('schema')
    expect((caught as Error).message).toContain('run `await migrate(pool')
    await store.close()
  })
})
