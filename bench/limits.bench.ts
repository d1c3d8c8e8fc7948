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
import { createRateLimiter, type RateLimiter } from '../src/limits/limiter.js'
import { createRedisStore, fromIoredis } from '../src/redis/index.js'
import { scripts } from '../src/redis/limits/lua/scripts.js'
import { rng } from '../test/helpers/rng.js'
import { redisServerAvailable, startRedisServer } from '../test/integration/redis-harness.js'
import { admissionErrors, burstyTrace } from './lib/admission.js'
import { scriptFloor } from './lib/limit-floor.js'
import { bytesPerCall, fmt, heapUsed } from './lib/measure.js'

const LIMIT = 100
const WINDOW_S = 60
const KEYS = 10_000
const ROUNDS = 7
let failed = false

type Consume = (key: string) => Promise<boolean>

/** Ops per second of `consume` over the keys in turn, with `inFlight` calls at a time. */
async function round(consume: Consume, ops: number, inFlight: number, offset: number): Promise<number> {
  let next = 0
  const started = performance.now()
  const lane = async () => {
    for (let i = next++; i < ops; i = next++) await consume(`k${(offset + i) % KEYS}`)
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  return ops / ((performance.now() - started) / 1000)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * A server's script count and time so far (INFO commandstats), to print `usec_per_call` per side,
 * and its CPU time (INFO cpu, in us).
 */
type ServerProbe = () => Promise<{ calls: number; usec: number; cpu: number }>

/**
 * Interleaved rounds of both (drift on a shared machine hits both alike); prints and checks the
 * ratio, and with a probe each side's server time per script over its rounds.
 */
async function compare(
  title: string,
  ours: Consume,
  theirs: Consume,
  ops: number,
  inFlight: number,
  target: number,
  probe?: ServerProbe,
  note?: (theirs: { usPerCall: number; serverCpuUs: number }) => string,
) {
  await round(ours, ops, inFlight, 0)
  await round(theirs, ops, inFlight, 0)
  const a: number[] = []
  const b: number[] = []
  // CPU time per call of each side (this process, and the server's), summed over its rounds: a
  // figure that load from other processes on the machine disturbs far less than wall time.
  const server = [
    { calls: 0, usec: 0, cpu: 0, ours: 0 },
    { calls: 0, usec: 0, cpu: 0, ours: 0 },
  ]
  const timed = async (side: number, consume: Consume, offset: number) => {
    const before = await probe?.()
    const cpu = process.cpuUsage()
    const rate = await round(consume, ops, inFlight, offset)
    const used = process.cpuUsage(cpu)
    const after = await probe?.()
    const x = server[side]!
    x.ours += used.user + used.system
    if (before !== undefined && after !== undefined) {
      x.calls += after.calls - before.calls
      x.usec += after.usec - before.usec
      x.cpu += after.cpu - before.cpu
    }
    return rate
  }
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await timed(0, ours, r * ops))
    b.push(await timed(1, theirs, r * ops))
  }
  const ratio = median(a) / median(b)
  if (ratio < target) failed = true
  const perOp = server.map((x) => (x.ours + x.cpu) / (ROUNDS * ops))
  const usec = `; CPU per call ${perOp.map((t) => t.toFixed(1)).join(' / ')} us (${(perOp[1]! / perOp[0]!).toFixed(2)}x)${
    probe
      ? `, of it on the server ${server.map((x) => (x.cpu / (ROUNDS * ops)).toFixed(1)).join(' / ')} us; usec_per_call ${server.map((x) => (x.usec / Math.max(1, x.calls)).toFixed(1)).join(' / ')}`
      : ''
  }`
  console.log(
    `${title.padEnd(44)} sessionkit ${fmt(median(a)).padStart(9)} ops/s, rate-limiter-flexible ${fmt(median(b)).padStart(9)} ops/s = ${ratio.toFixed(2)}x (target >= ${target}x) ${ratio >= target ? 'PASS' : 'MISS'}${note?.({ usPerCall: 1e6 / median(b), serverCpuUs: server[1]!.cpu / (ROUNDS * ops) }) ?? ''}${usec}`,
  )
}

const rule = { name: 'requests', per: 'user', limit: LIMIT, windowMs: WINDOW_S * 1000 } as const
const asConsume =
  (limiter: RateLimiter): Consume =>
  (key) =>
    limiter.consume({ user: key }, { requests: 1 }).then((r) => r.allowed)
const rlfConsume =
  (rlf: RateLimiterMemory | RateLimiterRedis): Consume =>
  (key) =>
    rlf.consume(key, 1).then(
      () => true,
      (refusal: unknown) => {
        if (refusal instanceof Error) throw refusal
        return false
      },
    )

console.log(`limit ${LIMIT} per ${WINDOW_S} s per key, ${fmt(KEYS)} keys in turn, cost 1`)

// Memory: throughput, on traffic mostly admitted (each key stays below its limit for the whole
// run: every call logs an entry) and on traffic mostly refused (100 keys, each past its limit).
await compare(
  'memory, mostly admitted',
  asConsume(createRateLimiter({ rules: [rule] })),
  rlfConsume(new RateLimiterMemory({ points: LIMIT, duration: WINDOW_S })),
  100_000,
  1,
  0.7,
)
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
await compare(
  'memory, mostly refused',
  (key) => refusing(key.slice(0, 3)),
  (key) => refusingRlf(key.slice(0, 3)),
  100_000,
  1,
  0.7,
)

// Memory: admission errors on one trace, both limiters on the trace's clock.
{
  const trace = burstyTrace(rng(7), { limit: LIMIT, windowMs: WINDOW_S * 1000, minutes: 120 })
  const clock = createManualClock(trace[0]!)
  const ours = createRateLimiter({ rules: [rule], clock })
  const theirs = new RateLimiterMemory({ points: LIMIT, duration: WINDOW_S })
  const realNow = Date.now
  const oursAdmitted: boolean[] = []
  const theirsAdmitted: boolean[] = []
  try {
    for (const at of trace) {
      clock.set(at)
      Date.now = () => at // rate-limiter-flexible reads Date.now
      oursAdmitted.push(await asConsume(ours)('k'))
      theirsAdmitted.push(await rlfConsume(theirs)('k'))
    }
  } finally {
    Date.now = realNow
  }
  console.log(`admission errors on one trace of ${fmt(trace.length)} bursty requests to one key (2 h):`)
  for (const [name, admitted] of [
    ['sessionkit (sliding log)', oursAdmitted],
    ['rate-limiter-flexible (fixed window)', theirsAdmitted],
  ] as const) {
    const e = admissionErrors(trace, admitted, LIMIT, WINDOW_S * 1000)
    console.log(
      `  ${name.padEnd(38)} busiest ${WINDOW_S} s window ${e.busiest} admitted (${(e.busiest / LIMIT).toFixed(2)}x the limit), ` +
        `${e.overWindows} admissions past the limit, ${e.wrongRefusals} of ${e.refusals} refusals with room in the window`,
    )
    if (name.startsWith('sessionkit') && (e.busiest > LIMIT || e.wrongRefusals > 0)) failed = true
  }
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
    await compare(
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
    )
  }
  raw.disconnect()
  await server.stop()
}

if (failed) process.exitCode = 1
