import pg from 'pg'
import { afterAll, inject } from 'vitest'
import type { ManualClock } from '../../src/clock.js'
import { createPostgresStore, migrate, type PostgresStore } from '../../src/postgres/index.js'

/**
 * The PostgreSQL server that test/setup/postgres-global.ts started for this run, and stores on it.
 * Each store gets a schema of its own (migrated on first use), so tests never see each other's
 * rows.
 */

/** The server's connection string, or `undefined` when Postgres tests are skipped in this run. */
export const postgresUrl: string | undefined = inject('postgresUrl')

let schemas = 0

/** A schema name no other store of this run uses. */
export function uniqueSchema(): string {
  schemas++
  return `t${process.pid.toString(36)}_${Date.now().toString(36)}_${schemas}`
}

/** A pool on the run's server; `max` connections (default 10). */
export function createPool(max = 10): pg.Pool {
  if (postgresUrl === undefined)
    throw new Error('no PostgreSQL in this run (see POSTGRES TESTS SKIPPED above)')
  const pool = new pg.Pool({ connectionString: postgresUrl, max })
  // An idle client that loses its connection emits on the pool; the store reports failed calls itself.
  pool.on('error', () => {})
  return pool
}

/**
 * One pool for the test file (made on first use, ended after the file), and a maker of migrated
 * stores on it without the interval sweeper (tests call `sweep()`). Each store gets a schema no
 * open store uses: a closed store's schema is emptied and handed to the next one, so a file pays
 * for one migration (and for compiling the functions on each connection) per store open at once,
 * not per test.
 */
export function usePostgres(): PostgresStores {
  const stores = postgresStores()
  afterAll(() => stores.end())
  return stores
}

/** What {@link usePostgres} gives a test file. */
export interface PostgresStores {
  pool(): pg.Pool
  makeStore(
    clock?: ManualClock,
    options?: { schema?: string; valueCacheBytes?: number; touchStepMs?: number },
  ): Promise<PostgresStore>
  /** Ends the pool (a later call makes a new one). */
  end(): Promise<void>
}

/** {@link usePostgres} without its `afterAll`: for a caller that ends the pool itself. */
export function postgresStores(): PostgresStores {
  let pool: pg.Pool | undefined
  const free: string[] = []
  const get = (): pg.Pool => {
    pool ??= createPool(4)
    return pool
  }
  const open = (
    schema: string,
    clock: ManualClock | undefined,
    { valueCacheBytes, touchStepMs }: { valueCacheBytes?: number; touchStepMs?: number },
  ): PostgresStore =>
    createPostgresStore({
      pool: get(),
      schema,
      sweepIntervalMs: 0,
      // Generous: a check sends 1,000 pushes to one record at once through 4 connections, on a busy machine.
      commandTimeoutMs: 30_000,
      ...(clock && { clock }),
      ...(valueCacheBytes !== undefined && { valueCacheBytes }),
      ...(touchStepMs !== undefined && { touchStepMs }),
    })
  return {
    pool: get,
    async end() {
      const ending = pool
      pool = undefined
      await ending?.end()
    },
    async makeStore(clock, options = {}) {
      if (options.schema !== undefined) {
        await migrate(get(), { schema: options.schema })
        return open(options.schema, clock, options)
      }
      const reused = free.pop()
      const schema = reused ?? uniqueSchema()
      if (reused === undefined) await migrate(get(), { schema })
      const store = open(schema, clock, options)
      return {
        ...store,
        async close() {
          await store.close()
          // DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes new files for
          // every table and index, many times slower for a check that opens 200 stores.
          const tables = ['', '_parts', '_entries', '_fields', '_keys', '_tombstones', '_limits']
          await get().query(tables.map((t) => `DELETE FROM "${schema}"."records${t}";`).join(' '))
          free.push(schema)
        },
      }
    },
  }
}
