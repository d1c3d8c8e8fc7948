import { SessionKitError } from '../errors.js'
import { createValueCache, type ValueCache } from '../store/value-cache.js'
import { createDeadlineQueue } from '../util/deadline-queue.js'
import { postgresFailure } from './errors.js'
import type { ResolvedPostgresOptions } from './options.js'
import { type PgResult, queryOnConnection } from './pool.js'
import { buildStatements, type Statement, type Statements } from './statements.js'

/** What every operation of the Postgres store shares: options, statements, and how to send one. */
export interface PostgresContext {
  readonly options: ResolvedPostgresOptions
  readonly sql: Statements
  /** The value texts this process last read or wrote, by record id, for `mergeValue` (see value-cache.ts). */
  readonly values: ValueCache
  /**
   * Sends one statement (one round trip) within `commandTimeoutMs`; a failure becomes
   * `STORE_UNAVAILABLE` (no answer, a passing condition) or `STORE_REJECTED` (see errors.ts).
   */
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
  // Every statement waits the same commandTimeoutMs: one timer for all of them (none set per call).
  const within = createDeadlineQueue(options.commandTimeoutMs)
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
    const work = queryOnConnection(options.pool, statement, values)
    const what = statement.name
    const timeoutMs = options.commandTimeoutMs
    return within(
      work,
      () =>
        new SessionKitError(
          'STORE_UNAVAILABLE',
          `PostgreSQL did not answer ${what} within ${timeoutMs} ms (commandTimeoutMs); check that the server is up and the pool not exhausted`,
          { details: { operation: what, timeoutMs } },
        ),
      (error) => postgresFailure(error, what, options),
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
