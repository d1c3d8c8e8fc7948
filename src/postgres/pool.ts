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

/** A client checked out of a pool (for the migration's one transaction). */
export interface PgPoolClientLike extends PgQueryable {
  release(error?: Error | boolean): void
}

/**
 * What the Postgres store needs of the caller's pool: `query` for every store call, and `connect`
 * for `migrate()`. A `Pool` from `pg` (node-postgres) fits as it is; the store never ends it.
 *
 * @example
 * import pg from 'pg'
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgPoolClientLike>
}
