import type { TestProject } from 'vitest/node'
import { type PostgresServer, postgresAvailable, startPostgres } from '../integration/postgres-harness.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the PostgreSQL server of this run; absent when Postgres tests are skipped. */
    postgresUrl?: string
  }
}

/**
 * Starts one PostgreSQL server for the whole test run and hands its connection string to tests
 * (`inject('postgresUrl')`). Without the server binaries the Postgres suites are skipped with a
 * loud notice, unless `REQUIRE_POSTGRES=1`, which fails the run instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!postgresAvailable()) {
    const missing = 'PostgreSQL server binaries not found (apt-get install -y postgresql)'
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${missing}`)
    const notice = `POSTGRES TESTS SKIPPED: ${missing}`
    console.warn(`\n${'!'.repeat(notice.length)}\n${notice}\n${'!'.repeat(notice.length)}\n`)
    return async () => {}
  }
  const server: PostgresServer = await startPostgres()
  project.provide('postgresUrl', server.url)
  return () => server.stop()
}
