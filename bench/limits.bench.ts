// Rate limits beside rate-limiter-flexible (the fixed-window counter most Node services use), on the
// same limits, the same traffic and, on Redis, the same ioredis client and server:
// - in memory: throughput ratio (target >= 0.7x: a fixed window is one counter per key, cheaper and
//   inexact) and both limiters' admission errors on one replayed trace of bursty traffic;
// - on Redis: round trips per consume for both (server command counts), and throughput at 1 and
//   32 calls in flight (target >= 1x);
// - heap per subject of the memory backend, beside the estimate `memory.maxBytes` counts.
// Starts its own redis-server on a free 127.0.0.1 port; the Redis part is skipped without one.
import { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible'
import { createManualClock } from '../src/clock.js'
import { createRateLimiter, type RateLimiter } from '../src/limits/limiter.js'
import { ENTRY_BYTES, RULE_STATE_BYTES, SUBJECT_BYTES } from '../src/limits/memory-sizes.js'
import { createRedisStore, fromIoredis } from '../src/redis/index.js'
import { rng } from '../test/helpers/rng.js'
import { redisServerAvailable, startRedisServer } from '../test/integration/redis-harness.js'
import { admissionErrors, burstyTrace } from './lib/admission.js'
import { fmt, heapUsed } from './lib/measure.js'

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

/** Interleaved rounds of both (drift on a shared machine hits both alike); prints and checks the ratio. */
async function compare(
  title: string,
  ours: Consume,
  theirs: Consume,
  ops: number,
  inFlight: number,
  target: number,
) {
  await round(ours, ops, inFlight, 0)
  await round(theirs, ops, inFlight, 0)
  const a: number[] = []
  const b: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await round(ours, ops, inFlight, r * ops))
    b.push(await round(theirs, ops, inFlight, r * ops))
  }
  const ratio = median(a) / median(b)
  if (ratio < target) failed = true
  console.log(
    `${title.padEnd(44)} sessionkit ${fmt(median(a)).padStart(9)} ops/s, rate-limiter-flexible ${fmt(median(b)).padStart(9)} ops/s = ${ratio.toFixed(2)}x (target >= ${target}x) ${ratio >= target ? 'PASS' : 'MISS'}`,
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

// Memory: heap per subject.
{
  const n = 100_000
  const limiter = createRateLimiter({ rules: [rule], memory: { maxKeys: n } })
  const before = heapUsed()
  for (let i = 0; i < n; i++) await limiter.consume({ user: `user-${i}` }, { requests: 1 })
  const perSubject = (heapUsed() - before) / n
  const estimate = SUBJECT_BYTES + 2 * 'user:user-00000'.length + RULE_STATE_BYTES + 4 * ENTRY_BYTES
  console.log(
    `heap per subject (one sliding window, one entry), ${fmt(n)} subjects: ${fmt(perSubject)} B; maxBytes counts ${fmt(estimate)} B ${perSubject <= estimate ? 'PASS' : 'MISS'} (the estimate must not be below the heap)`,
  )
  if (perSubject > estimate) failed = true
  limiter.stats()
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
      `Redis round trips per consume, ${name}: ${perCall.toFixed(2)} ${perCall <= 1 ? 'PASS' : 'MISS'} (target 1); server time per script ${((after.usec - before.usec) / 1000).toFixed(1)} us`,
    )
    if (perCall > 1) failed = true
  }
  for (const inFlight of [1, 32]) {
    await compare(
      `Redis, ${inFlight} in flight`,
      asConsume(ours),
      rlfConsume(theirs),
      inFlight === 1 ? 4000 : 20_000,
      inFlight,
      1,
    )
  }
  raw.disconnect()
  await server.stop()
}

if (failed) process.exitCode = 1
