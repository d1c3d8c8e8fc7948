import { describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createRateLimiter, type RateLimiter } from '../../src/limits/limiter.js'
import type { LimitResult, Reservation } from '../../src/limits/result.js'
import type { RateRule } from '../../src/limits/rules.js'
import { createRedisStore } from '../../src/redis/index.js'
import type { SessionStore } from '../../src/store/contract.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'
import {
  connectIoredis,
  connectIoredisCluster,
  connectNodeRedis,
  connectNodeRedisCluster,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'
import { rng } from '../helpers/rng.js'

// The Lua scripts, the Postgres functions and the memory backend implement the same arithmetic:
// on the same calls at the same times they must give the same answers. On one Redis server a
// consume is one script, and on Postgres one statement, so every figure matches; on a Cluster each
// slot decides on its own and a refusal gives back what another slot took, so the decisions match
// (who is admitted, which rules refused).

const rules: RateRule[] = [
  { name: 'session-requests', per: 'session', cost: 'requests', limit: 5, windowMs: 1000 },
  {
    name: 'user-requests',
    per: 'user',
    cost: 'requests',
    algorithm: 'token-bucket',
    limit: 8,
    windowMs: 2000,
    burst: 4,
  },
  { name: 'tokens', per: 'user', limit: 1000, windowMs: 3000 },
  {
    name: 'tenant-tokens',
    per: 'tenant',
    cost: 'tokens',
    algorithm: 'token-bucket',
    limit: 2000,
    windowMs: 5000,
    burst: 1500,
  },
]

const T0 = Date.parse('2026-01-01T00:00:00Z')

type Step = { at: number; result: LimitResult } | { at: number; settled: true }

/** A seeded run of consumes, settles and refunds on `limiter`, moving `clock`. */
async function run(limiter: RateLimiter, clock: ManualClock, seed: number, steps: number): Promise<Step[]> {
  const random = rng(seed)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!
  const open: Reservation[] = []
  const out: Step[] = []
  for (let i = 0; i < steps; i++) {
    // A third of the calls share a millisecond with the one before (their entries merge).
    clock.advance(random() < 0.3 ? 0 : Math.floor(random() * 250))
    if (open.length > 0 && random() < 0.25) {
      const [reservation] = open.splice(Math.floor(random() * open.length), 1)
      if (random() < 0.3) await limiter.refund(reservation!)
      else await limiter.settle(reservation!, { tokens: Math.floor(random() * 500) })
      out.push({ at: clock.now(), settled: true })
      continue
    }
    const subjects = {
      session: pick(['s1', 's2', undefined]),
      user: pick(['u1', 'u2', undefined]),
      tenant: pick(['t1', undefined]),
    }
    const result = await limiter.consume(subjects, {
      requests: Math.floor(random() * 3),
      tokens: Math.floor(random() * 400),
    })
    if (result.reservation !== undefined) open.push(result.reservation)
    out.push({ at: clock.now(), result })
  }
  return out
}

async function onStore(
  make: ((clock: ManualClock) => Promise<SessionStore>) | undefined,
  seed: number,
): Promise<Step[]> {
  const clock = createManualClock(T0)
  const store = make === undefined ? undefined : await make(clock)
  return run(createRateLimiter({ store, clock, rules }), clock, seed, 300)
}

/** Runs seeds 1 to 3 on the store `make` gives and on the memory backend, and compares them. */
function compare(make: () => (clock: ManualClock) => Promise<SessionStore>, cluster: boolean): void {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: 300 consumes, settles and refunds over 4 rules give ${cluster ? 'the same decisions' : 'the same answers'}`, async () => {
      const [memory, store] = await Promise.all([onStore(undefined, seed), onStore(make(), seed)])
      // Sanity: the run exercised admissions and refusals alike.
      const allowed = memory.filter((s) => 'result' in s && s.result.allowed).length
      expect(allowed).toBeGreaterThan(30)
      expect(memory.filter((s) => 'result' in s && !s.result.allowed).length).toBeGreaterThan(30)
      // Compared step by step, so a failure shows the first call that differs.
      const [ours, theirs] = cluster ? [decisions(store), decisions(memory)] : [store, memory]
      const i = ours.findIndex((step, k) => JSON.stringify(step) !== JSON.stringify(theirs[k]))
      if (i >= 0) expect({ step: i, ...store[i] }).toEqual({ step: i, ...memory[i] })
      expect(ours).toHaveLength(theirs.length)
    })
  }
}

const decisions = (steps: Step[]) =>
  steps.map((s) => ('result' in s ? [s.result.allowed, s.result.limited] : 'settled'))

const targets: [string, boolean, boolean, () => Promise<TestClient>][] = [
  ['ioredis, standalone', redisPort !== undefined, false, connectIoredis],
  ['node-redis, standalone', redisPort !== undefined, false, connectNodeRedis],
  ['ioredis, 3-master Cluster', redisClusterNodes !== undefined, true, connectIoredisCluster],
  ['node-redis, 3-master Cluster', redisClusterNodes !== undefined, true, connectNodeRedisCluster],
]

for (const [title, available, cluster, connect] of targets) {
  describe.runIf(available)(`rate limits on Redis (${title}) against the memory backend`, () => {
    const connection = useConnection(connect)
    compare(
      () => async (clock) => createRedisStore({ client: connection.client, prefix: uniquePrefix(), clock }),
      cluster,
    )
  })
}

describe.runIf(postgresUrl !== undefined)('rate limits on PostgreSQL against the memory backend', () => {
  const postgres = usePostgres()
  compare(() => (clock) => postgres.makeStore(clock), false)
})
