import { afterAll, inject } from 'vitest'
import type { PostgresStores } from './postgres.js'
import { addStoreFixture } from './stores.js'

/**
 * A setup file (vitest `setupFiles`): when the run has a PostgreSQL server, registers the
 * `postgres` store fixture, so every suite written with `forEachStore` also runs on Postgres. Each
 * store gets a schema of its own; one pool serves the whole test file. `pg` and the store are
 * loaded when a test first makes a store: a file that makes none does not pay for loading them.
 */
if (inject('postgresUrl') !== undefined) {
  let stores: Promise<PostgresStores> | undefined
  addStoreFixture({
    name: 'postgres',
    async make(clock) {
      stores ??= import('./postgres.js').then((helpers) => helpers.postgresStores())
      return (await stores).makeStore(clock)
    },
  })
  afterAll(async () => {
    await (await stores)?.end()
    stores = undefined
  })
}
