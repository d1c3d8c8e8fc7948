import { createHash } from 'node:crypto'
import { invalidConfig, SessionKitError } from '../errors.js'
import { renderSql, type StoreNames } from './names.js'
import { resolveStoreNames } from './options.js'
import type { PgPoolClientLike, PgPoolLike } from './pool.js'
import { migrationTemplates } from './sql/migrations.js'

/** Where `migrate()` installs the store: the same `schema` and `table` you give `createPostgresStore`. */
export interface MigrateOptions {
  /** Default `'sessionkit'`. */
  readonly schema?: string
  /** Default `'records'`. */
  readonly table?: string
}

/** What `migrate()` did: the versions it applied now (oldest first) and the schema's version after it. */
export interface MigrateResult {
  readonly applied: readonly number[]
  readonly version: number
}

/** One migration with the store's names in place, for your own migration tool. */
export interface PostgresMigration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The store's migrations as SQL for `schema` and `table`, oldest first: what `migrate()` runs, for
 * teams that apply schema changes with their own tool. Record each version you apply in
 * `<schema>.<table>_migrations (version, name)` so `migrate()` and later versions agree.
 *
 * @example
 * for (const m of postgresMigrations({ table: 'sessions' })) writeFileSync(`${m.version}-${m.name}.sql`, m.sql)
 */
export function postgresMigrations(options: MigrateOptions = {}): readonly PostgresMigration[] {
  const names = resolveStoreNames(options, 'postgresMigrations')
  return migrationTemplates.map(({ version, name, template }) => ({
    version,
    name,
    sql: renderSql(template, names),
  }))
}

/**
 * Creates or upgrades the store's schema, tables, indexes and functions: every migration not yet
 * recorded in `<schema>.<table>_migrations`, in order, in one transaction. Idempotent (a second run
 * applies nothing) and safe to run from several processes at once: they queue on an advisory lock
 * and the later ones find the work done. Run it at start-up, before the store's first call.
 *
 * @example
 * await migrate(pool)   // then createPostgresStore({ pool })
 */
export async function migrate(pool: PgPoolLike, options: MigrateOptions = {}): Promise<MigrateResult> {
  if (typeof pool !== 'object' || pool === null || typeof pool.connect !== 'function') {
    throw invalidConfig('migrate needs a pg Pool: migrate(pool, { schema, table })', { option: 'pool' })
  }
  const names = resolveStoreNames(options, 'migrate')
  const client = await step('connecting', () => pool.connect())
  let failed: unknown
  try {
    return await applyMissing(client, names)
  } catch (error) {
    failed = error
    await client.query({ text: 'ROLLBACK' }).catch(() => undefined)
    throw error
  } finally {
    // A client whose transaction failed is dropped, not reused.
    client.release(failed instanceof Error ? failed : undefined)
  }
}

async function applyMissing(client: PgPoolClientLike, names: StoreNames): Promise<MigrateResult> {
  const versions = `"${names.schema}"."${names.table}_migrations"`
  await step('starting the migration', async () => {
    await client.query({ text: 'BEGIN' })
    await client.query({ text: 'SELECT pg_advisory_xact_lock($1::bigint)', values: [lockKey(names)] })
    await client.query({ text: `CREATE SCHEMA IF NOT EXISTS "${names.schema}"` })
    await client.query({
      text: `CREATE TABLE IF NOT EXISTS ${versions} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`,
    })
  })
  const done = await step('reading the applied versions', () =>
    client.query({ text: `SELECT version FROM ${versions}` }),
  )
  const have = new Set(done.rows.map((row) => Number(row.version)))
  const applied: number[] = []
  for (const migration of migrationTemplates) {
    if (have.has(migration.version)) continue
    await step(`applying migration ${migration.version} (${migration.name})`, async () => {
      await client.query({ text: renderSql(migration.template, names) })
      await client.query({
        text: `INSERT INTO ${versions} (version, name) VALUES ($1, $2)`,
        values: [migration.version, migration.name],
      })
    })
    applied.push(migration.version)
  }
  await step('committing the migration', () => client.query({ text: 'COMMIT' }))
  const version = Math.max(0, ...have, ...applied)
  return { applied, version }
}

/** A 64-bit advisory lock key for one store's schema and table, the same in every process. */
function lockKey(names: StoreNames): string {
  const digest = createHash('sha256').update(`sessionkit:${names.schema}.${names.table}`).digest()
  return digest.readBigInt64BE(0).toString()
}

async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof SessionKitError) throw error
    const message = error instanceof Error ? error.message : String(error)
    throw new SessionKitError(
      'STORE_UNAVAILABLE',
      `migrate failed ${what}: ${message}; nothing was changed (the migration is one transaction)`,
      { cause: error, details: { step: what } },
    )
  }
}
