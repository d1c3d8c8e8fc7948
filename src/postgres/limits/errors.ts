import { SessionKitError } from '../../errors.js'
import type { StoreNames } from '../names.js'

// SQLSTATE classes of a passing condition: the connection (08), resources (53: too many
// connections, out of memory or disk), an operator or a timeout (57: shutdown, statement_timeout),
// a rolled-back transaction (40), a lock wait given up (55P03), a read-only standby (25006, a
// failover under way).
const passing = /^(08|53|57|40)|^55P03$|^25006$/

// The rate-limit table or functions are not there (migration 10 not applied).
const notMigrated = new Set(['42P01', '42883', '3F000', '42703', '42704'])

/**
 * The error a failed rate-limit statement becomes. A server that cannot be reached, timed out or
 * is passing through a failover stays `STORE_UNAVAILABLE`, which each rule's `onStoreError`
 * answers. Anything else the server answered (a missing migration, a permission, a bug) is
 * `STORE_REJECTED` naming the cause (`details.reason`), which the limiter throws: no policy admits
 * a call past a misconfigured store.
 */
export function limitsFailure(error: unknown, names: StoreNames): unknown {
  if (!(error instanceof SessionKitError) || error.code !== 'STORE_UNAVAILABLE') return error
  // Only an error the server sent has a severity; a socket's error code (EPIPE) may look like a SQLSTATE.
  const { code, severity } = (error.cause ?? {}) as { code?: unknown; severity?: unknown }
  if (typeof severity !== 'string' || typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return error
  if (passing.test(code)) return error
  const operation = error.details?.operation
  const cause = (error.cause as Error).message
  if (notMigrated.has(code)) {
    return new SessionKitError(
      'STORE_REJECTED',
      `PostgreSQL has no rate-limit table or functions in schema "${names.schema}" (${cause}): run \`await migrate(pool, { schema: '${names.schema}', table: '${names.table}' })\` at start-up (migration 10 adds them)`,
      { cause: error.cause, details: { operation, code, reason: 'schema' } },
    )
  }
  if (code === '42501' || code.startsWith('28')) {
    return new SessionKitError(
      'STORE_REJECTED',
      `PostgreSQL refused the rate-limit call (${cause}): check the credentials the pool connects with, and grant its role EXECUTE on the "${names.schema}"."${names.table}_rate_*" functions and SELECT, INSERT, UPDATE on "${names.schema}"."${names.table}_limits"`,
      { cause: error.cause, details: { operation, code, reason: 'permission' } },
    )
  }
  return new SessionKitError(
    'STORE_REJECTED',
    `PostgreSQL refused the rate-limit call (${cause}, SQLSTATE ${code}); check that no other program changed the "${names.schema}"."${names.table}_limits" table or its functions, and report it with this message if none did`,
    { cause: error.cause, details: { operation, code, reason: 'server' } },
  )
}
