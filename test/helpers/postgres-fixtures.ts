import { postgresUrl, usePostgres } from './postgres.js'
import { addStoreFixture } from './stores.js'

/**
 * A setup file (vitest `setupFiles`): when the run has a PostgreSQL server, registers the
 * `postgres` store fixture, so every suite written with `forEachStore` also runs on Postgres. Each
 * store gets a schema of its own; one pool serves the whole test file.
 */
if (postgresUrl !== undefined) {
  const postgres = usePostgres()
  addStoreFixture({ name: 'postgres', make: (clock) => postgres.makeStore(clock) })
}
