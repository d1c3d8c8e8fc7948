import type { Statement } from './statements.js'

/**
 * One statement as the `pg` client takes it: a name (a prepared statement, parsed once per
 * connection), the SQL text and its parameters.
 */
export interface PgQuery {
  readonly name?: string
  readonly text: string
  readonly values?: unknown[]
}

/** What a statement gives back: its rows (objects by column name) and how many rows it touched. */
export interface PgResult {
  readonly rows: readonly Record<string, unknown>[]
  readonly rowCount: number | null
}

/** Anything that runs one statement: a `pg` `Pool` or a checked-out client. */
export interface PgQueryable {
  query(query: PgQuery): Promise<PgResult>
}

/**
 * A client checked out of a pool: every store call takes one for its statement, `migrate()` for
 * its transaction. `release(error)` drops the connection instead of keeping it. A `pg` client is
 * an event emitter that reports a lost connection as `error`; the store listens on each client it
 * is handed, once for the client's life.
 */
export interface PgPoolClientLike extends PgQueryable {
  release(error?: Error | boolean): void
  on?(event: 'error', listener: (error: Error) => void): unknown
}

/**
 * What the Postgres store needs of the caller's pool: `connect` (a client for each store call, and
 * for `migrate()`) and `query`. A `Pool` from `pg` (node-postgres) fits as it is; the store never ends it.
 *
 * @example
 * import pg from 'pg'
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgPoolClientLike>
}

/**
 * Runs one statement on a connection of `pool` and hands the connection back, keeping it when the
 * server refused the statement. `pg`'s own `pool.query` closes a connection after any error, and
 * the store's functions refuse a write by raising (so that what it changed is undone): a client
 * sending refused writes on purpose would make each cost a new server process, its prepared
 * statements and its compiled functions (a refused write then a read took 60-85 ms instead of
 * 2 ms on a loaded machine). A connection that failed in any other way is dropped, as `pg` does.
 */
export async function queryOnConnection(
  pool: PgPoolLike,
  statement: Statement,
  values: unknown[],
): Promise<PgResult> {
  const client = await pool.connect()
  watch(client)
  let result: PgResult
  try {
    result = await send(client, statement, values)
  } catch (error) {
    const keep = refusedByServer(error) && !lost.has(client)
    client.release(keep ? undefined : error instanceof Error ? error : new Error(String(error)))
    throw error
  }
  client.release(lost.has(client) ? new Error('the connection was lost') : undefined)
  return result
}

/** What `pg` hangs on its `Client` class: the query class, for a query sent as a submittable. */
type QueryClass = new (
  text: string,
  values: unknown[],
  callback: (error: Error | null | undefined, result: PgResult) => void,
) => { name?: string | undefined }

/**
 * Sends `statement` with `values` on `client`. On `pg`'s JavaScript client the query is built from its text and given
 * its name after (its `Client.Query`, sent as a submittable, the way `pg` lets libraries send their
 * own): built from a config object, `pg` copies that object with property descriptors on every
 * call (2 to 7 us a statement on a loaded machine, measured) and answers through two promises of
 * its own. Any other client (the native one, a wrapper) gets `{ name, text, values }`.
 */
function send(client: PgPoolClientLike, statement: Statement, values: unknown[]): Promise<PgResult> {
  const Query = (client.constructor as { Query?: { prototype?: { requiresPreparation?: unknown } } }).Query
  if (typeof Query?.prototype?.requiresPreparation !== 'function') {
    return client.query({ name: statement.name, text: statement.text, values })
  }
  return new Promise((resolve, reject) => {
    const submittable = new (Query as QueryClass)(statement.text, values, (error, result) =>
      error ? reject(error) : resolve(result),
    )
    submittable.name = statement.name
    ;(client as unknown as { query(submittable: object): unknown }).query(submittable)
  })
}

// Clients this module listens on, and those that reported a lost connection. A `pg` client with
// no `error` listener ends the process when its connection drops while it is checked out, and
// `pg`'s pool listens only while a client is idle; one listener per client for its life (rather
// than one per statement) marks it, and the statement that holds it then drops it.
const watched = new WeakSet<PgPoolClientLike>()
const lost = new WeakSet<PgPoolClientLike>()

function watch(client: PgPoolClientLike): void {
  if (watched.has(client) || client.on === undefined) return
  watched.add(client)
  client.on('error', () => lost.add(client))
}

// The server answered the statement with an error (severity ERROR, a SQLSTATE) and the session
// goes on; FATAL and PANIC end it, and errors without a SQLSTATE come from the connection.
function refusedByServer(error: unknown): boolean {
  const { severity, code } = (error ?? {}) as { severity?: unknown; code?: unknown }
  return severity === 'ERROR' && typeof code === 'string' && code.length === 5
}
