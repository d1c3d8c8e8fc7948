// A kit on PostgreSQL for the examples: the pool from a connection string, the schema migrated at
// start-up, the store on it. `examples/chat-server.ts` uses it when DATABASE_URL is set:
//   DATABASE_URL=postgres://user@localhost/app npx tsx examples/chat-server.ts
import pg from 'pg'
import { createSessionKit, type SessionKit, type SessionKitOptions } from '../src/index.js'
import { createPostgresStore, migrate } from '../src/postgres/index.js'

/** A kit whose sessions live in the PostgreSQL at `url`, and how to close it and its pool. */
export interface PostgresKit {
  readonly kit: SessionKit
  close(): Promise<void>
}

/**
 * Connects to `url`, runs `migrate()` (idempotent, safe from several processes at once) and makes a
 * kit with `options` on a Postgres store.
 *
 * @example
 * const { kit, close } = await connectPostgresKit(process.env.DATABASE_URL!, { history: { maxMessages: 500 } })
 */
export async function connectPostgresKit(
  url: string,
  options: Omit<SessionKitOptions, 'store'> = {},
): Promise<PostgresKit> {
  const pool = new pg.Pool({ connectionString: url })
  // An idle client that loses its connection reports here; calls report their own failures.
  pool.on('error', (error) => console.error(`postgres: ${error.message}`))
  await migrate(pool)
  const kit = createSessionKit({ ...options, store: createPostgresStore({ pool }) })
  return {
    kit,
    async close() {
      await kit.close()
      await pool.end()
    },
  }
}
