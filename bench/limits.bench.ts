// Rate limits beside rate-limiter-flexible (the fixed-window counter most Node services use), on the
// same limits, the same traffic and, on Redis, the same ioredis client and server:
// - in memory: throughput ratio (target >= 0.7x: a fixed window is one counter per key, cheaper and
//   inexact) and both limiters' admission errors on one replayed trace of bursty traffic;
// - on Redis: round trips per consume for both (server command counts), and throughput at 1 and
//   32 calls in flight (target >= 1x), with each side's server time per script (usec_per_call
//   from INFO commandstats over its rounds);
// - heap per subject of the memory backend, beside the estimate `memory.maxBytes` counts.
// Starts its own redis-server on a free 127.0.0.1 port; the Redis part is skipped without one.
import { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible'
import { createManualClock } from '../src/clock.js'
import { createRateLimiter } from '../src/limits/limiter.js'
import { createRedisStore, fromIoredis } from '../src/redis/index.js'
import { scripts } from '../src/redis/limits/lua/scripts.js'
import { rng } from '../test/helpers/rng.js'
import { redisServerAvailable, startRedisServer } from '../test/integration/redis-harness.js'
import { burstyTrace, replayTrace } from './lib/admission.js'
import { scriptFloor } from './lib/limit-floor.js'
import { asConsume, compare, KEYS, rlfConsume, type ServerProbe } from './lib/limiter-compare.js'
import { bytesPerCall, fmt, heapUsed } from './lib/measure.js'

const LIMIT = 100
const WINDOW_S = 60
let failed = false

const rule = { name: 'requests', per: 'user', limit: LIMIT, windowMs: WINDOW_S * 1000 } as const

console.log(`limit ${LIMIT} per ${WINDOW_S} s per key, ${fmt(KEYS)} keys in turn, cost 1`)

// Memory: throughput, on traffic mostly admitted (each key stays below its limit for the whole
// run: every call logs an entry) and on traffic mostly refused (100 keys, each past its limit).
if (
  !(await compare(
    'memory, mostly admitted',
    asConsume(createRateLimiter({ rules: [rule] })),
    rlfConsume(new RateLimiterMemory({ points: LIMIT, duration: WINDOW_S })),
    100_000,
    1,
    0.7,
  ))
) {
  failed = true
}
// Beside that ratio, the JS heap each consume allocates on the same traffic (fresh limiters: each
// key stays below its limit), less the loop's own key and promise: a figure load does not move.
{
  const ours = asConsume(createRateLimiter({ rules: [rule] }))
  const theirs = rlfConsume(new RateLimiterMemory({ points: LIMIT, duration: WINDOW_S }))
  const base = (i: number) => Promise.resolve(`k${i % KEYS}`)
  const loop = await bytesPerCall(base, 50_000)
  const sides: number[] = []
  for (const consume of [ours, theirs]) {
    await bytesPerCall((i) => consume(`k${i % KEYS}`), 50_000) // warm: every key made
    sides.push((await bytesPerCall((i) => consume(`k${(i + 50_000) % KEYS}`), 50_000)) - loop)
  }
  console.log(
    `memory, JS heap allocated per consume         sessionkit ${fmt(sides[0]!)} B, rate-limiter-flexible ${fmt(sides[1]!)} B (${(sides[1]! / sides[0]!).toFixed(2)}x), beyond the loop's own ${fmt(loop)} B (a key and a promise)`,
  )
}
const refusing = asConsume(createRateLimiter({ rules: [rule] }))
const refusingRlf = rlfConsume(new RateLimiterMemory({ points: LIMIT, duration: WINDOW_S }))
if (
  !(await compare(
    'memory, mostly refused',
    (key) => refusing(key.slice(0, 3)),
    (key) => refusingRlf(key.slice(0, 3)),
    100_000,
    1,
    0.7,
  ))
) {
  failed = true
}

// Memory: admission errors on one trace, both limiters on the trace's clock.
{
  const trace = burstyTrace(rng(7), { limit: LIMIT, windowMs: WINDOW_S * 1000, minutes: 120 })
  const clock = createManualClock(trace[0]!)
  const ours = asConsume(createRateLimiter({ rules: [rule], clock }))
  const theirs = rlfConsume(new RateLimiterMemory({ points: LIMIT, duration: WINDOW_S }))
  const limits = { limit: LIMIT, windowMs: WINDOW_S * 1000 }
  if (!(await replayTrace('memory, admission errors', trace, clock, ours, theirs, limits))) failed = true
}

// Memory: heap per subject (the JS heap, and the log pages outside it), beside what `maxBytes` counts.
{
  const n = 100_000
  const held = () => heapUsed() + process.memoryUsage().arrayBuffers
  const limiter = createRateLimiter({ rules: [rule], memory: { maxKeys: n } })
  const before = held()
  for (let i = 0; i < n; i++) await limiter.consume({ user: `user-${i}` }, { requests: 1 })
  const perSubject = (held() - before) / n
  const counted = limiter.stats().bytes! / n
  console.log(
    `heap per subject (one sliding window, one entry), ${fmt(n)} subjects: ${fmt(perSubject)} B; maxBytes counts ${fmt(counted)} B ${perSubject <= counted ? 'PASS' : 'MISS'} (the estimate must not be below the heap)`,
  )
  if (perSubject > counted) failed = true
}

if (!redisServerAvailable()) {
  console.log('REDIS PART SKIPPED: redis-server not found on PATH (apt-get install -y redis-server)')
} else {
  const server = await startRedisServer()
  const raw = new Redis({ host: '127.0.0.1', port: server.port })
  const ours = createRateLimiter({
    store: createRedisStore({ client: fromIoredis(raw), prefix: 'bench' }),
    rules: [rule],
  })
  const theirs = new RateLimiterRedis({
    storeClient: raw,
    points: LIMIT,
    duration: WINDOW_S,
    keyPrefix: 'rlf',
  })

  // Round trips, counted by the server: the commands clients sent (scripts, or MULTI/EXEC), not
  // the commands those scripts ran; and the server's time per script. After a warm-up call each.
  const serverStats = async () => {
    const stats = await raw.info('commandstats')
    let calls = 0
    for (const m of stats.matchAll(/cmdstat_(evalsha|eval|exec):calls=(\d+)/g)) calls += Number(m[2])
    return { calls, usec: Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(stats)?.[1] ?? 0) }
  }
  const scriptStats: ServerProbe = async () => {
    const stats = await raw.info('commandstats')
    const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(stats)
    const cpu = await raw.info('cpu')
    const seconds = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(cpu)?.[1] ?? 0)
    return {
      calls: Number(m?.[1] ?? 0),
      usec: Number(m?.[2] ?? 0),
      cpu: (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6,
    }
  }
  for (const [name, consume] of [
    ['sessionkit', asConsume(ours)],
    ['rate-limiter-flexible', rlfConsume(theirs)],
  ] as const) {
    await consume('warm')
    const before = await serverStats()
    for (let i = 0; i < 1000; i++) await consume(`rt${i % 100}`)
    const after = await serverStats()
    const perCall = (after.calls - before.calls) / 1000
    console.log(
      `Redis round trips per consume, ${name}: ${perCall.toFixed(2)} ${perCall <= 1 ? 'PASS' : 'MISS'} (target 1); server time per script ${((after.usec - before.usec) / 1000).toFixed(1)} us (100 keys, 10 calls each)`,
    )
    if (perCall > 1) failed = true
  }
  // The floor: scripts cut to the bone beside the counter's, and ours in full, on server time.
  const floor = await scriptFloor(raw, {
    sha1: scripts.rateLimitConsume.sha1,
    args: (now) => [String(now), '1000', 's', '1000000', '60000', '1000000', '1'],
  })
  const times = (us: number) => `${us.toFixed(1)} us (${(us / floor.counter).toFixed(2)}x)`
  console.log(
    `Redis server time per script, best of 15 rounds: rate-limiter-flexible ${floor.counter.toFixed(1)} us; sessionkit ${times(floor.oursFull)}; ` +
      `an exact log cut to the bone (one rule, no checks): three commands as sessionkit's layout ${times(floor.threeCommands)}, ` +
      `two commands (one read, one write: the least any exact log does) ${times(floor.twoCommands)}`,
  )
  // An exact log's least script adds `extra` us of server time to each call. Where the server
  // bounds throughput (many in flight), a call costs the counter's server CPU plus that; at one in
  // flight, the counter's whole round trip plus that.
  const extra = floor.twoCommands - floor.counter
  for (const inFlight of [1, 32]) {
    if (
      !(await compare(
        `Redis, ${inFlight} in flight`,
        asConsume(ours),
        rlfConsume(theirs),
        inFlight === 1 ? 4000 : 20_000,
        inFlight,
        1,
        scriptStats,
        ({ usPerCall, serverCpuUs }) => {
          const base = inFlight === 1 ? usPerCall : serverCpuUs
          return ` (an exact log's limit here ${(base / (base + extra)).toFixed(2)}x)`
        },
      ))
    ) {
      failed = true
    }
  }
  raw.disconnect()
  await server.stop()
}

if (failed) process.exitCode = 1
