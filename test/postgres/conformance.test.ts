import { describe, expect, it } from 'vitest'
import { defineStoreSuite } from '../../src/testing/index.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'

// The whole SessionStore contract on a real PostgreSQL server. One schema for the file: the suite
// gives every check ids of its own, so the checks share the tables, as stores in production do.
describe.runIf(postgresUrl !== undefined)('Postgres store', () => {
  const postgres = usePostgres()
  const schema = `conf_${process.pid}_${Date.now().toString(36)}`
  defineStoreSuite({ describe, it, expect }, ({ clock }) => postgres.makeStore(clock, { schema }), {
    title: 'SessionStore conformance',
  })
})
