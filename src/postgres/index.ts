/**
 * `sessionkit/postgres`: the session store on PostgreSQL, its migrations and its sweeper.
 *
 * @example
 * import { createPostgresStore, migrate } from 'sessionkit/postgres'
 * await migrate(pool); const store = createPostgresStore({ pool })
 */
export {
  type MigrateOptions,
  type MigrateResult,
  migrate,
  type PostgresMigration,
  postgresMigrations,
} from './migrate.js'
export type { PostgresStoreOptions } from './options.js'
export type { PgPoolClientLike, PgPoolLike, PgQuery, PgQueryable, PgResult } from './pool.js'
export { createPostgresStore, type PostgresStore } from './store.js'
export type { SweepResult } from './sweeper.js'
