import { describe } from 'vitest'
import { differentialCheck } from '../helpers/differential.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'

describe.runIf(postgresUrl !== undefined)('Postgres store answers exactly like the memory store', () => {
  const postgres = usePostgres()
  differentialCheck((clock) => postgres.makeStore(clock))
})
