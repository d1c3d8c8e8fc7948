import { SessionKitError } from '../errors.js'
import type { StoreNames } from './names.js'

// SQLSTATE classes of a passing condition, which a later retry may get past: the connection (08),
// resources (53: too many connections, out of memory or disk), an operator or a timeout (57:
// shutdown, statement_timeout), a rolled-back transaction (40), a lock wait given up (55P03), a
// read-only standby (25006, a failover under way).
const passing = /^(08|53|57|40)|^55P03$|^25006$/

// The store's tables or functions are not there, or are older than this code (a migration missing).
const notMigrated = new Set(['42P01', '42883', '3F000', '42703', '42704'])

/**
 * The `SessionKitError` a failed statement becomes. No answer from the server (a socket error), or
 * a passing condition it reports, is `STORE_UNAVAILABLE`: a retry later may work. Anything else the
 * server answered is `STORE_REJECTED` with `details.reason`: `schema` (run `migrate()`),
 * `permission` (the pool's role or credentials) or `server` (any other refusal), which a retry
 * cannot fix; so a rate limit's `onStoreError` never admits past a misconfigured store.
 *
 * @example
 * postgresFailure(Object.assign(new Error('permission denied'), { severity: 'ERROR', code: '42501' }), 'meta', names).code // 'STORE_REJECTED'
 */
export function postgresFailure(error: unknown, what: string, names: StoreNames): SessionKitError {
  if (error instanceof SessionKitError) return error
  const message = error instanceof Error ? error.message : String(error)
  // Only an error the server sent has a severity; a socket's error code (EPIPE) may look like a SQLSTATE.
  const { code, severity } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    severity?: unknown
  }
  const sqlState = typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)
  const details = { operation: what, code }
  if (!sqlState || passing.test(code)) {
    return new SessionKitError(
      'STORE_UNAVAILABLE',
      `PostgreSQL failed ${what}: ${message}; check that the server is up and reachable`,
      { cause: error, details },
    )
  }
  const rejected = (reason: string, advice: string) =>
    new SessionKitError('STORE_REJECTED', `PostgreSQL refused ${what}: ${message}; ${advice}`, {
      cause: error,
      details: { ...details, reason },
    })
  const where = `"${names.schema}"."${names.table}`
  if (notMigrated.has(code)) {
    return rejected(
      'schema',
      `the store's schema is missing or older than this version: run \`await migrate(pool, { schema: '${names.schema}', table: '${names.table}' })\` at start-up`,
    )
  }
  if (code === '42501' || code.startsWith('28')) {
    return rejected(
      'permission',
      `check the credentials the pool connects with, and grant its role EXECUTE on the ${where}_*" functions and SELECT, INSERT, UPDATE, DELETE on the ${where}*" tables (or run the store as the role that ran migrate())`,
    )
  }
  return rejected(
    'server',
    `check that no other program changed the ${where}*" tables or functions, and report it with this message if none did`,
  )
}
