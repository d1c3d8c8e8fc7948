// The Postgres store beside the two PostgreSQL session stores Node services use today:
// connect-pg-simple (express-session) and @keyv/postgres, all three on one `pg` pool and one
// server, same request shape: read a session of about 1 KB, write one field (and extend its
// expiry). sessionkit reads the session's map part (16 fields, ~1 KB) and writes one field with
// `updateMap`; the others read the whole session object and write it back with the field changed,
// which is how they work. Throughput at 1 and 32 requests in flight (median of interleaved rounds),
// as a ratio to each peer; statements per request counted on the pool. Target: ratio >= 1.
// Starts its own PostgreSQL (fsync off, the same for all three); skips with a notice without one.
import KeyvPostgres from '@keyv/postgres'
import connectPgSimple from 'connect-pg-simple'
import session from 'express-session'
import Keyv from 'keyv'
import pg from 'pg'
import { createPostgresStore, migrate } from '../src/postgres/index.js'
import { postgresAvailable, startPostgres } from '../test/integration/postgres-harness.js'
import { fmt } from './lib/measure.js'

const TARGET = 1
const SESSIONS = 200
const FIELDS = 16
const ROUNDS = 5
const TTL_MS = 30 * 60_000

if (!postgresAvailable()) {
  console.log(
    'POSTGRES BENCHMARK SKIPPED: PostgreSQL server binaries not found (apt-get install -y postgresql)',
  )
  process.exit(0)
}

const server = await startPostgres()
const pool = new pg.Pool({ connectionString: server.url, max: 32 })
// Every statement any of the three sends goes through here, so it is counted the same way.
let statements = 0
const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>
;(pool as unknown as { query: typeof query }).query = (...args: unknown[]) => {
  statements++
  return query(...args)
}

const field = (i: number): string => `note ${i} `.padEnd(56, 'x')
const profile = (): Record<string, string> =>
  Object.fromEntries(Array.from({ length: FIELDS }, (_, i) => [`f${i}`, field(i)]))
const sessionIds = Array.from({ length: SESSIONS }, (_, i) => `bench-session-${i}`)

// sessionkit
await migrate(pool, { schema: 'bench' })
const store = createPostgresStore({ pool, schema: 'bench', sweepIntervalMs: 0 })
for (const id of sessionIds) {
  await store.create(id, { expiresAt: Date.now() + TTL_MS })
  await store.updateMap(id, 'profile', { set: profile() })
}

// connect-pg-simple on the same pool
const PgSessionStore = connectPgSimple(session)
const cps = new PgSessionStore({
  pool,
  tableName: 'bench_session',
  createTableIfMissing: true,
  pruneSessionInterval: false,
})
const cpsGet = (sid: string) =>
  new Promise<session.SessionData | null | undefined>((resolve, reject) =>
    cps.get(sid, (error, data) => (error ? reject(error) : resolve(data))),
  )
const cpsSet = (sid: string, data: session.SessionData) =>
  new Promise<void>((resolve, reject) => cps.set(sid, data, (error) => (error ? reject(error) : resolve())))
const cookie = { originalMaxAge: TTL_MS, maxAge: TTL_MS, expires: new Date(Date.now() + TTL_MS) }
for (const id of sessionIds) await cpsSet(id, { cookie, ...profile() } as unknown as session.SessionData)

// @keyv/postgres, its queries sent through the same pool
class SharedPoolKeyv extends KeyvPostgres {
  override async connect() {
    return async (sql: string, values?: unknown[]) => ((await pool.query(sql, values)) as pg.QueryResult).rows
  }
}
const keyv = new Keyv({ store: new SharedPoolKeyv({ table: 'bench_keyv' }), ttl: TTL_MS })
await new Promise((resolve) => setTimeout(resolve, 200))
for (const id of sessionIds) await keyv.set(id, profile())

type Request = (i: number) => Promise<unknown>
const requests: Record<string, Request> = {
  sessionkit: async (i) => {
    const id = sessionIds[i % SESSIONS]!
    const { entries } = await store.getMap(id, 'profile')
    if (entries.f0 === undefined) throw new Error('sessionkit: session not found')
    await store.updateMap(id, 'profile', { set: { f3: field(i) } }, { expiresAt: Date.now() + TTL_MS })
  },
  'connect-pg-simple': async (i) => {
    const id = sessionIds[i % SESSIONS]!
    const data = (await cpsGet(id)) as unknown as Record<string, unknown> | null | undefined
    if (!data) throw new Error('connect-pg-simple: session not found')
    await cpsSet(id, { ...data, f3: field(i) } as unknown as session.SessionData)
  },
  '@keyv/postgres': async (i) => {
    const id = sessionIds[i % SESSIONS]!
    const data = await keyv.get<Record<string, string>>(id)
    if (!data) throw new Error('@keyv/postgres: session not found')
    await keyv.set(id, { ...data, f3: field(i) })
  },
}

/** Requests per second of `request` with `inFlight` at a time, over `total` requests. */
async function throughput(request: Request, inFlight: number, total: number): Promise<number> {
  let next = 0
  const start = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await request(next++)
    }),
  )
  return (total / Number(process.hrtime.bigint() - start)) * 1e9
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

console.log(`${SESSIONS} sessions of ${FIELDS} fields (~1 KB); a request reads one and writes one field`)
for (const [name, request] of Object.entries(requests)) {
  statements = 0
  for (let i = 0; i < 100; i++) await request(i)
  console.log(`${name.padEnd(20)} ${(statements / 100).toFixed(1)} statements per request (read + write)`)
}

let failed = 0
for (const [inFlight, total] of [
  [1, 1500],
  [32, 6000],
] as const) {
  const rates: Record<string, number[]> = {}
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, request] of Object.entries(requests)) {
      const measured = rates[name] ?? []
      measured.push(await throughput(request, inFlight, total))
      rates[name] = measured
    }
  }
  const ours = median(rates.sessionkit!)
  console.log(`\n${inFlight} in flight (median of ${ROUNDS} interleaved rounds of ${total} requests)`)
  console.log(`${'sessionkit'.padEnd(20)} ${fmt(ours).padStart(8)} requests/s`)
  for (const peer of ['connect-pg-simple', '@keyv/postgres']) {
    const theirs = median(rates[peer]!)
    const ratio = ours / theirs
    if (ratio < TARGET) failed++
    console.log(
      `${peer.padEnd(20)} ${fmt(theirs).padStart(8)} requests/s   sessionkit = ${ratio.toFixed(2)}x (target >= ${TARGET}x) ${ratio >= TARGET ? 'PASS' : 'MISS'}`,
    )
  }
}

await store.close()
await keyv.disconnect().catch(() => undefined)
await pool.end()
await server.stop()
if (failed > 0) console.log(`\n${failed} ratio(s) below target`)
