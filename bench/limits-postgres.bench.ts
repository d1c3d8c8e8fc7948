// Rate limits on PostgreSQL beside rate-limiter-flexible's RateLimiterPostgres (a fixed-window
// counter: one upsert per call), on the same limits, the same traffic and the same `pg` pool:
// - statements per consume, counted on the pool (every statement any client of it sends);
// - server time per consume (planning + execution, pg_stat_statements, median and range of 5
//   rounds), which a busy client machine moves much less than throughput;
// - throughput at 1 and 32 calls in flight, with each side's CPU time per call (this process);
// - both limiters' admission errors on one replayed trace of bursty traffic.
// Starts its own PostgreSQL server on a free 127.0.0.1 port; skipped without one. No target is
// set: the ratios are information.
import pg from 'pg'
import { RateLimiterPostgres } from 'rate-limiter-flexible'
import { createManualClock } from '../src/clock.js'
import { createRateLimiter } from '../src/limits/limiter.js'
import { createPostgresStore, migrate } from '../src/postgres/index.js'
import { rng } from '../test/helpers/rng.js'
import { postgresAvailable, startPostgres } from '../test/integration/postgres-harness.js'
import { burstyTrace, replayTrace } from './lib/admission.js'
import { asConsume, compare, KEYS, median, rlfConsume } from './lib/limiter-compare.js'
import { fmt } from './lib/measure.js'
import { serverTime } from './lib/pg-server-time.js'

const LIMIT = 100
const WINDOW_S = 60
const rule = { name: 'requests', per: 'user', limit: LIMIT, windowMs: WINDOW_S * 1000 } as const

if (!postgresAvailable()) {
  console.log('POSTGRES PART SKIPPED: PostgreSQL server binaries not found (apt-get install -y postgresql)')
  process.exit(0)
}

const server = await startPostgres({
  settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' },
})
const pool = new pg.Pool({ connectionString: server.url, max: 32 })
// Reads pg_stat_statements outside the counted pool.
const statsPool = new pg.Pool({ connectionString: server.url, max: 1 })
// Every statement either limiter sends goes through a pooled client's query: each client is
// counted from the moment the pool connects it.
let statements = 0
pool.on('connect', (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>
  ;(client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
    statements++
    return query(...args)
  }
})
await statsPool.query('CREATE EXTENSION pg_stat_statements')
await migrate(pool, { schema: 'bench' })

const oursLimiter = (clock?: ReturnType<typeof createManualClock>) =>
  createRateLimiter({
    store: createPostgresStore({ pool, schema: 'bench', sweepIntervalMs: 0, ...(clock && { clock }) }),
    rules: [rule],
  })
const theirsLimiter = (tableName: string) =>
  new Promise<RateLimiterPostgres>((resolve, reject) => {
    const limiter: RateLimiterPostgres = new RateLimiterPostgres(
      { storeClient: pool, points: LIMIT, duration: WINDOW_S, tableName, clearExpiredByTimeout: false },
      (error?: Error) => (error ? reject(error) : resolve(limiter)),
    )
  })
const ours = asConsume(oursLimiter())
const theirs = rlfConsume(await theirsLimiter('rlf'))

console.log(
  `limit ${LIMIT} per ${WINDOW_S} s per key, ${fmt(KEYS)} keys in turn, cost 1; PostgreSQL ${(await statsPool.query('SHOW server_version')).rows[0].server_version}`,
)

// Statements per consume, and server time per consume over 5 interleaved rounds of 500 calls.
const sides = [
  ['sessionkit', ours],
  ['rate-limiter-flexible', theirs],
] as const
const perCall: Record<string, number[]> = {}
for (const [name, consume] of sides) {
  await consume('warm')
  statements = 0
  for (let i = 0; i < 1000; i++) await consume(`st${i % 100}`)
  console.log(
    `Postgres statements per consume, ${name}: ${(statements / 1000).toFixed(2)} (1000 calls on 100 keys)`,
  )
}
for (let r = 0; r < 5; r++) {
  for (const [name, consume] of sides) {
    const cost = await serverTime(
      (sql) => statsPool.query(sql),
      500,
      (i) => consume(`s${r}-${i % 100}`),
    )
    perCall[name] = [...(perCall[name] ?? []), cost.perRequestUs]
    if (r === 4) {
      for (const s of cost.statements) {
        console.log(
          `  ${name}: ${s.perRequest.toFixed(2)} x (plan ${s.planUs.toFixed(1)} + exec ${s.execUs.toFixed(1)} us) ${s.text}`,
        )
      }
    }
  }
}
// The floor of a function-based log: a PL/pgSQL function that only locks, reads and writes back one
// existing row (no arithmetic, no log), called the way a consume is, on the rows the rounds made.
await statsPool.query(`CREATE FUNCTION bench.floor(p_subject text, p_rule text, p_now float8) RETURNS text
  LANGUAGE plpgsql AS $$
  DECLARE r bench.records_limits;
  BEGIN
    SELECT * INTO r FROM bench.records_limits WHERE subject = p_subject AND rule = p_rule FOR UPDATE;
    UPDATE bench.records_limits SET clock = p_now, seqs = r.seqs, ats = r.ats, costs = r.costs
      WHERE subject = p_subject AND rule = p_rule;
    RETURN '0,0,0,0';
  END $$`)
const floorCall = (i: number) =>
  pool.query({
    name: 'floor',
    text: 'SELECT bench.floor($1::text, $2::text, $3::float8) AS r',
    values: [`user:s${i % 5}-${i % 100}`, 'requests', Date.now()],
  })
for (let r = 0; r < 5; r++) {
  const cost = await serverTime((sql) => statsPool.query(sql), 500, floorCall)
  perCall.floor = [...(perCall.floor ?? []), cost.perRequestUs]
}
const [a, b, f] = [perCall.sessionkit!, perCall['rate-limiter-flexible']!, perCall.floor!]
const span = (xs: number[]) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`
console.log(
  `Postgres server time per consume (planning + execution), median of 5 rounds: sessionkit ${median(a).toFixed(1)} us (${span(a)}), ` +
    `rate-limiter-flexible ${median(b).toFixed(1)} us (${span(b)}) = ${(median(a) / median(b)).toFixed(2)}x (lower is cheaper); ` +
    `a PL/pgSQL function that only locks, reads and writes one row ${median(f).toFixed(1)} us (${span(f)}) = ${(median(f) / median(b)).toFixed(2)}x (the floor of a function-based log)`,
)

for (const inFlight of [1, 32]) {
  await compare(`Postgres, ${inFlight} in flight`, ours, theirs, inFlight === 1 ? 2000 : 8000, inFlight, 0)
}

// Admission errors on one trace, both limiters on the trace's clock.
{
  const trace = burstyTrace(rng(7), { limit: LIMIT, windowMs: WINDOW_S * 1000, minutes: 120 })
  const clock = createManualClock(trace[0]!)
  const oursOnTrace = asConsume(oursLimiter(clock))
  const theirsOnTrace = rlfConsume(await theirsLimiter('rlf_trace'))
  const limits = { limit: LIMIT, windowMs: WINDOW_S * 1000 }
  if (!(await replayTrace('Postgres, admission errors', trace, clock, oursOnTrace, theirsOnTrace, limits))) {
    process.exitCode = 1
  }
}

// Bytes of one row: a sliding window's with its log full (100 entries of one rule), beside the
// peer's counter row.
{
  const bytes = await statsPool.query(
    `SELECT pg_column_size(l.*) AS row, cardinality(l.ats) AS entries FROM bench.records_limits l
      ORDER BY cardinality(l.ats) DESC LIMIT 1`,
  )
  const peer = await statsPool.query('SELECT pg_column_size(r.*) AS row FROM rlf r LIMIT 1')
  console.log(
    `Postgres row bytes (pg_column_size): sessionkit ${bytes.rows[0].row} B with ${bytes.rows[0].entries} log entries; rate-limiter-flexible ${peer.rows[0].row} B`,
  )
}

await Promise.all([pool.end(), statsPool.end()])
await server.stop()
