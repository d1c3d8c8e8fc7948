import { beforeAll, describe } from 'vitest'
import type { PostgresStore } from '../../src/postgres/index.js'
import { multiprocessChecks } from '../helpers/multiprocess.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'

describe.runIf(postgresUrl !== undefined)('four processes on one Postgres session', () => {
  const postgres = usePostgres()
  let store: PostgresStore
  beforeAll(async () => {
    store = await postgres.makeStore()
  })
  multiprocessChecks(
    () => store,
    () => ['postgres', postgresUrl!, store.schema],
  )
})
