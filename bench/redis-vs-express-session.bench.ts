// The common web request on Redis, beside what users pick instead: express-session with
// connect-redis, on the same client library and the same server. One request: read the session
// (about 1 KB) counting as activity, then write one field. sessionkit: `kit.get(id, { touch: true })`
// then `session.preferences.patch({ field })`; express-session: `store.get(sid)` then
// `store.set(sid, session)` with the field changed (what its middleware does for a modified
// session; the write refreshes the TTL). Throughput at 1 and 64 requests in flight, median of
// interleaved rounds; round trips and server commands per request from INFO commandstats before
// and after a batch, with the server time each took (usec, which machine load disturbs far less
// than throughput), the client CPU per request, and the floor of two script calls (EVALSHA of a
// script that only returns), and of an HGETALL and one such call, against GET + SET. Target: sessionkit >= 0.7x. Both on ioredis
// (connect-redis 10 speaks node-redis, so it gets a three-method adapter onto the same ioredis
// client) and on node-redis. sessionkit runs on a store with `touchStepMs: 60_000` (its read moves
// the expiry at most once a minute, so it writes nothing between, as express-session's read, and
// is a plain HGETALL of the header; round trips are counted at the client for it) and,
// for comparison, on one whose every read writes the expiry (step 0, the default).
// Starts its own redis-server on a free 127.0.0.1 port; skips with a notice when there is none.
import { RedisStore } from 'connect-redis'
import type { SessionData } from 'express-session'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { createSessionKit, type SessionKit } from '../src/kit.js'
import { createRedisStore, fromIoredis, fromNodeRedis, type RedisClientLike } from '../src/redis/index.js'
import { redisServerAvailable, startRedisServer } from '../test/integration/redis-harness.js'
import { commandStats, statsDelta } from './lib/server-time.js'

const TARGET = 0.7
const SESSIONS = 200
const ROUNDS = 5
const REQUESTS = { 1: 2_000, 64: 16_000 } as const
const TTL_S = 1800
const BENCH_TIMEOUT_MS = 60_000

if (!redisServerAvailable()) {
  console.log('REDIS BENCHMARK SKIPPED: redis-server not found on PATH (apt-get install -y redis-server)')
  process.exit(0)
}

/** About 1 KB of session data, the same for both. */
function sessionData(i: number) {
  return {
    userId: `user-${i}`,
    locale: 'en-GB',
    theme: 'dark',
    budget: { min: 500_00, max: 1000_00, currency: 'GBP' },
    brands: ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'],
    sizes: { top: 'M', bottom: '32/32', shoe: '9' },
    recent: Array.from({ length: 12 }, (_, n) => `SKU-${1000 + n}-BLUE-M`),
    notes: 'x'.repeat(420),
  }
}

type Request = (i: number) => Promise<unknown>

async function sessionkitRequests(
  client: RedisClientLike,
  prefix: string,
  touchStepMs: number,
): Promise<{ kit: SessionKit; request: Request; read: Request; write: Request }> {
  // A loaded machine can stall a call for seconds: the benchmark measures, it must not fail over.
  const store = createRedisStore({ client, prefix, commandTimeoutMs: BENCH_TIMEOUT_MS, touchStepMs })
  const kit = createSessionKit({ store, ttl: { idleMs: TTL_S * 1000 } })
  const ids: string[] = []
  for (let i = 0; i < SESSIONS; i++) {
    const s = await kit.create()
    await s.preferences.replace(sessionData(i))
    ids.push(s.id)
  }
  const handles = await Promise.all(ids.map((id) => kit.get(id)))
  return {
    kit,
    request: async (i) => {
      const session = await kit.get(ids[i % SESSIONS]!, { touch: true })
      await session!.preferences.patch({ lastSeen: i })
    },
    // Each half alone, for its server time.
    read: (i) => kit.get(ids[i % SESSIONS]!, { touch: true }),
    write: (i) => handles[i % SESSIONS]!.preferences.patch({ lastSeen: i }),
  }
}

/** The store calls express-session's middleware makes for a request that changes its session. */
async function expressRequests(store: RedisStore): Promise<Request> {
  const sids: string[] = []
  for (let i = 0; i < SESSIONS; i++) {
    const sid = `sid-${i}-${Math.random().toString(36).slice(2)}`
    const cookie = {
      originalMaxAge: TTL_S * 1000,
      expires: new Date(Date.now() + TTL_S * 1000),
      httpOnly: true,
      path: '/',
    }
    await store.set(sid, { cookie, ...sessionData(i) } as unknown as SessionData)
    sids.push(sid)
  }
  return async (i) => {
    const sid = sids[i % SESSIONS]!
    const session = (await store.get(sid)) as (SessionData & { lastSeen?: number }) | null
    session!.lastSeen = i
    await store.set(sid, session!)
  }
}

/** Client CPU microseconds (this process, user + system) of every request run, summed per side. */
const clientCpu = new Map<Request, { us: number; requests: number }>()

/** Requests per second, `total` requests with `inFlight` at a time. */
async function throughput(request: Request, total: number, inFlight: number): Promise<number> {
  let next = 0
  const start = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let i = next++; i < total; i = next++) await request(i)
    }),
  )
  const used = process.cpuUsage(cpu)
  const sum = clientCpu.get(request) ?? { us: 0, requests: 0 }
  clientCpu.set(request, { us: sum.us + used.user + used.system, requests: sum.requests + total })
  return (total / Number(process.hrtime.bigint() - start)) * 1e9
}

/**
 * The floor of a request made of script calls: the server time of two EVALSHA of a script that
 * only returns (one key and the arguments a store call sends; step 0's request), and of one HGETALL
 * of a header then one such EVALSHA (the stepped request's shape), against connect-redis's GET + SET.
 */
async function scriptFloor(
  client: Redis,
  count: number,
): Promise<{ scripts: number; readAndScript: number; getSet: number }> {
  const sha = String(await client.script('LOAD', 'return 1'))
  const key = '{bench-floor:x}'
  const header = '{bench-floor:h}'
  await client.hset(header, 'c', '1', 'e', '2', 'd:u', '"user-1"')
  const text = JSON.stringify(sessionData(0))
  const twoScripts: Request = async () => {
    await client.evalsha(sha, 1, key, '1', '2', '3', '4')
    await client.evalsha(sha, 1, key, '1', '2', '3', '4')
  }
  const readAndScript: Request = async () => {
    await client.hgetall(header)
    await client.evalsha(sha, 1, key, '1', '2', '3', '4')
  }
  const getSet: Request = async () => {
    await client.get(key)
    await client.set(key, text, 'EX', TTL_S)
  }
  return {
    scripts: (await perRequest(admin, twoScripts, count, ['evalsha'])).usec,
    readAndScript: (await perRequest(admin, readAndScript, count, ['hgetall', 'evalsha'])).usec,
    getSet: (await perRequest(admin, getSet, count, ['get', 'set'])).usec,
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Round trips, server commands and server time per request, from INFO commandstats around `count`
 * requests. `sent` names the commands the client sends itself (each one round trip: these
 * requests send one at a time); the rest ran inside scripts, whose time their EVALSHA includes.
 */
async function perRequest(admin: Redis, request: Request, count: number, sent: readonly string[]) {
  const reads = plainReads.sent
  const before = await commandStats(admin)
  for (let i = 0; i < count; i++) await request(i)
  const delta = statsDelta(before, await commandStats(admin))
  const calls: Record<string, number> = {}
  for (const [name, { calls: n }] of delta) calls[name] = n / count
  // The HGETALLs sessionkit sent itself (its header reads under a touch step), counted at the
  // client: the server's count also holds those its scripts ran. Their share of that time is theirs.
  const hgetall = delta.get('hgetall')
  const plain = plainReads.sent - reads
  const plainUsec = hgetall === undefined || plain === 0 ? 0 : (hgetall.usec * plain) / hgetall.calls
  const trips = sent.reduce((sum, name) => sum + (calls[name] ?? 0), 0) + plain / count
  const all = Object.values(calls).reduce((sum, n) => sum + n, 0)
  // The client's own commands' time covers what ran inside them: their sum is the server's work.
  const usec = (sent.reduce((sum, name) => sum + (delta.get(name)?.usec ?? 0), 0) + plainUsec) / count
  return { sent: trips, all, calls, usec }
}

/** The plain header reads (`hgetall`) sessionkit's clients sent, counted as they go out. */
const plainReads = { sent: 0 }
function countingReads(client: RedisClientLike): RedisClientLike {
  const hgetall = client.hgetall
  if (hgetall === undefined) return client
  return {
    ...client,
    hgetall: (key) => {
      plainReads.sent++
      return hgetall(key)
    },
  }
}

const server = await startRedisServer()
const admin = new Redis({ host: '127.0.0.1', port: server.port })
const ioredis = new Redis({ host: '127.0.0.1', port: server.port })
const nodeRedis = await createClient({ socket: { host: '127.0.0.1', port: server.port } }).connect()

// connect-redis 10 calls node-redis's `get`, `set(key, value, { expiration })` and `expire`.
const ioredisForConnectRedis = {
  get: (key: string) => ioredis.get(key),
  set: (key: string, value: string, options?: { expiration: { type: 'EX'; value: number } }) =>
    options === undefined ? ioredis.set(key, value) : ioredis.set(key, value, 'EX', options.expiration.value),
  expire: (key: string, seconds: number) => ioredis.expire(key, seconds),
}

let passed = true
for (const [label, wrapped, forConnectRedis] of [
  ['ioredis', countingReads(fromIoredis(ioredis)), ioredisForConnectRedis],
  ['node-redis', countingReads(fromNodeRedis(nodeRedis)), nodeRedis],
] as const) {
  const ours = await sessionkitRequests(wrapped, `bench-${label}`, 60_000)
  const exact = await sessionkitRequests(wrapped, `bench-exact-${label}`, 0)
  const theirs = await expressRequests(
    new RedisStore({ client: forConnectRedis as never, prefix: `sess-${label}:`, ttl: TTL_S }),
  )
  // Warm both (scripts loaded, JIT), then the per-request counts.
  await throughput(ours.request, 500, 8)
  await throughput(exact.request, 500, 8)
  await throughput(theirs, 500, 8)
  const oursCounts = await perRequest(admin, ours.request, 1000, ['evalsha', 'eval'])
  const exactCounts = await perRequest(admin, exact.request, 1000, ['evalsha', 'eval'])
  const exactReadUsec = (await perRequest(admin, exact.read, 1000, ['evalsha', 'eval'])).usec
  const theirCounts = await perRequest(admin, theirs, 1000, ['get', 'set', 'expire'])
  const readUsec = (await perRequest(admin, ours.read, 1000, ['evalsha', 'eval'])).usec
  const writeUsec = (await perRequest(admin, ours.write, 1000, ['evalsha', 'eval'])).usec
  console.log(`\n${label}, one server; a request reads a ~1 KB session with touch and writes one field`)
  const show = (name: string, c: typeof oursCounts) =>
    console.log(
      `  ${name.padEnd(34)} ${c.sent.toFixed(1)} round trips, ${c.all.toFixed(1)} server commands, ${c.usec.toFixed(1)} us of server time per request: ${Object.entries(
        c.calls,
      )
        .map(([cmd, n]) => `${cmd} ${n.toFixed(2)}`)
        .join(', ')}`,
    )
  show('sessionkit', oursCounts)
  show('sessionkit, step 0', exactCounts)
  show('express-session + connect-redis', theirCounts)
  console.log(
    `  server time per request: sessionkit ${oursCounts.usec.toFixed(1)} us (kit.get with touch ${readUsec.toFixed(1)}, preferences.patch ${writeUsec.toFixed(1)}; step 0: ${exactCounts.usec.toFixed(1)}, kit.get with touch ${exactReadUsec.toFixed(1)}), express-session ${theirCounts.usec.toFixed(1)} us: ${(theirCounts.usec / oursCounts.usec).toFixed(2)}x`,
  )
  const floor = await scriptFloor(ioredis, 1000)
  console.log(
    `  the floor: two script calls that only return take ${floor.scripts.toFixed(1)} us of server time, an HGETALL and one such script ${floor.readAndScript.toFixed(1)} us, GET + SET of the session ${floor.getSet.toFixed(1)} us (${(floor.scripts / floor.getSet).toFixed(1)}x, ${(floor.readAndScript / floor.getSet).toFixed(1)}x): a request with a script cannot match two plain commands on the server`,
  )
  for (const inFlight of [1, 64] as const) {
    const a: number[] = []
    const b: number[] = []
    const c: number[] = []
    for (let r = 0; r < ROUNDS; r++) {
      a.push(await throughput(ours.request, REQUESTS[inFlight], inFlight))
      c.push(await throughput(exact.request, REQUESTS[inFlight], inFlight))
      b.push(await throughput(theirs, REQUESTS[inFlight], inFlight))
    }
    const ratio = median(a) / median(b)
    const pass = ratio >= TARGET
    passed &&= pass
    const exactRatio = median(c) / median(b)
    console.log(
      `  ${String(inFlight).padStart(2)} in flight: sessionkit ${Math.round(median(a))} req/s (step 0: ${Math.round(median(c))}), express-session ${Math.round(median(b))} req/s, ratio ${ratio.toFixed(2)}x  ${pass ? 'PASS' : 'MISS'} (target >= ${TARGET}x; step 0: ${exactRatio.toFixed(2)}x)`,
    )
  }
  const cpu = (request: Request) => {
    const sum = clientCpu.get(request)!
    return sum.us / sum.requests
  }
  console.log(
    `  client CPU per request (this process, all rounds): sessionkit ${cpu(ours.request).toFixed(1)} us, express-session ${cpu(theirs).toFixed(1)} us (${(cpu(ours.request) / cpu(theirs)).toFixed(2)}x)`,
  )
  await ours.kit.close()
  await exact.kit.close()
}

admin.disconnect()
ioredis.disconnect()
await nodeRedis.close()
await server.stop()
if (!passed) console.log('\nsessionkit missed the target against express-session + connect-redis')
