import { SessionKitError } from '../errors.js'
import { createValueCache, type ValueCache } from '../store/value-cache.js'
import { withDeadline } from '../util/deadline.js'
import type { ResolvedPostgresOptions } from './options.js'
import { type PgResult, queryOnConnection } from './pool.js'
import { buildStatements, type Statement, type Statements } from './statements.js'

/** What every operation of the Postgres store shares: options, statements, and how to send one. */
export interface PostgresContext {
  readonly options: ResolvedPostgresOptions
  readonly sql: Statements
  /** The value texts this process last read or wrote, by record id, for `mergeValue` (see value-cache.ts). */
  readonly values: ValueCache
  /** Sends one statement (one round trip) within `commandTimeoutMs`; failures become `STORE_UNAVAILABLE`. */
  run(statement: Statement, values: unknown[]): Promise<PgResult>
  /** Runs a function that answers with JSON text (column `r`) and parses it. */
  reply(statement: Statement, values: unknown[]): Promise<unknown[]>
  /** As `reply`, with the JSON text as the server wrote it. */
  replyText(statement: Statement, values: unknown[]): Promise<string>
  /** Makes later calls reject. */
  close(): void
}

/** Builds the shared context once per store. */
export function createPostgresContext(options: ResolvedPostgresOptions): PostgresContext {
  const sql = buildStatements(options)
  let closed = false
  const run = (statement: Statement, values: unknown[]): Promise<PgResult> => {
    if (closed) {
      return Promise.reject(
        new SessionKitError(
          'STORE_UNAVAILABLE',
          'the store is closed; make a new one with createPostgresStore()',
        ),
      )
    }
    const work = queryOnConnection(options.pool, { name: statement.name, text: statement.text, values })
    const what = statement.name
    const timeoutMs = options.commandTimeoutMs
    return withDeadline(
      work,
      timeoutMs,
      () =>
        new SessionKitError(
          'STORE_UNAVAILABLE',
          `PostgreSQL did not answer ${what} within ${timeoutMs} ms (commandTimeoutMs); check that the server is up and the pool not exhausted`,
          { details: { operation: what, timeoutMs } },
        ),
      (error) => storeError(error, what, options),
    )
  }
  const replyText = async (statement: Statement, values: unknown[]): Promise<string> => {
    try {
      const result = await run(statement, values)
      return String(result.rows[0]?.r)
    } catch (error) {
      // A write that fails after changing something raises its reply, which undoes the change.
      const cause = error instanceof SessionKitError ? error.cause : undefined
      if ((cause as { code?: unknown } | undefined)?.code === FAILURE_REPLY) return (cause as Error).message
      throw error
    }
  }
  return {
    options,
    sql,
    values: createValueCache(options.valueCacheBytes),
    run,
    replyText,
    async reply(statement, values) {
      return JSON.parse(await replyText(statement, values)) as unknown[]
    },
    close() {
      closed = true
    },
  }
}

// The SQLSTATE of a failure reply raised by a store function (`<table>_fail` in 002-records.sql).
const FAILURE_REPLY = 'SK001'

// SQLSTATEs that mean the store's tables or functions are not there (or are older than this code).
const notMigrated = new Set(['42P01', '42883', '3F000', '42703'])

function storeError(
  error: unknown,
  what: string,
  names: { readonly schema: string; readonly table: string },
): SessionKitError {
  if (error instanceof SessionKitError) return error
  const message = error instanceof Error ? error.message : String(error)
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  if (typeof code === 'string' && notMigrated.has(code)) {
    return new SessionKitError(
      'STORE_UNAVAILABLE',
      `PostgreSQL failed ${what}: ${message}. The store's schema is missing or older than this version: run \`await migrate(pool, { schema: '${names.schema}', table: '${names.table}' })\` at start-up`,
      { cause: error, details: { operation: what, code } },
    )
  }
  return new SessionKitError(
    'STORE_UNAVAILABLE',
    `PostgreSQL failed ${what}: ${message}; check that the server is up and reachable`,
    { cause: error, details: { operation: what, code } },
  )
}
