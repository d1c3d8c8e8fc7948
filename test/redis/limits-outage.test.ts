import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../src/limits/limiter.js'
import type { RateRule } from '../../src/limits/rules.js'
import { toMetricsJson } from '../../src/metrics/json.js'
import { createRedisStore } from '../../src/redis/index.js'
import type { SessionKitWarning } from '../../src/warnings.js'
import {
  connectIoredis,
  connectNodeRedis,
  redisPort,
  type TestClient,
  uniquePrefix,
} from '../helpers/redis-clients.js'
import { type RedisServer, startRedisServer } from '../integration/redis-harness.js'

const timeoutMs = 300
const open: RateRule = { name: 'requests', per: 'session', limit: 5, windowMs: 60_000, onStoreError: 'allow' }
const closed: RateRule = { name: 'tokens', per: 'user', limit: 1000, windowMs: 60_000, onStoreError: 'deny' }

// Its own server, stopped and restarted here (the shared one must stay up for the other suites).
describe.runIf(redisPort !== undefined)('rate limits when Redis goes away', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  const clients: [string, (port: number) => Promise<TestClient>][] = [
    ['ioredis', connectIoredis],
    ['node-redis', connectNodeRedis],
  ]
  for (const [name, connect] of clients) {
    it(`${name}: each rule answers by its onStoreError, the error is on the result, and limits hold again after a restart`, async () => {
      const { client, close } = await connect(server.port)
      try {
        const store = createRedisStore({ client, prefix: uniquePrefix(), commandTimeoutMs: timeoutMs })
        const warnings: SessionKitWarning[] = []
        const limiter = createRateLimiter({
          store,
          rules: [open, closed],
          onWarning: (w) => warnings.push(w),
        })
        const before = await limiter.consume({ session: 's1', user: 'u1' }, { requests: 1, tokens: 10 })
        expect(before.allowed).toBe(true)

        const port = server.port
        await server.stop()
        // Only the fail-open rule applies: admitted, and the result says why.
        const allowed = await limiter.consume({ session: 's1' }, { requests: 1 })
        expect(allowed).toMatchObject({
          allowed: true,
          limited: [],
          storeError: { code: 'STORE_UNAVAILABLE' },
        })
        expect(allowed.rules).toEqual([
          expect.objectContaining({ name: 'requests', allowed: true, storeError: true }),
        ])
        // The fail-closed rule applies too: refused, with a wait for the headers.
        const denied = await limiter.consume({ session: 's1', user: 'u1' }, { requests: 1, tokens: 10 })
        expect(denied).toMatchObject({
          allowed: false,
          limited: ['tokens'],
          retryAfterMs: 1000,
          reservation: undefined,
          storeError: { code: 'STORE_UNAVAILABLE' },
        })
        // A settle cannot be answered by a policy: it rejects.
        await expect(limiter.settle(before.reservation!, { tokens: 5 })).rejects.toMatchObject({
          code: 'STORE_UNAVAILABLE',
        })
        expect(limiter.stats()).toMatchObject({ backend: 'store', storeErrors: 2, allowed: 2, denied: 1 })
        // Operators hear of it once (not once a call) and count every call in the metrics.
        expect(warnings).toEqual([
          {
            code: 'SESSIONKIT_RATE_LIMIT_STORE_FAILED',
            message: expect.stringContaining('onStoreError'),
            cause: expect.objectContaining({ code: 'STORE_UNAVAILABLE' }),
          },
        ])
        expect(toMetricsJson(limiter.metrics())).toMatchObject({
          sessionkit_rate_limit_decisions_total: { allowed: 2, refused: 1 },
          sessionkit_rate_limit_refusals_total: { requests: 0, tokens: 1 },
          sessionkit_rate_limit_store_errors_total: 2,
        })

        server = await startRedisServer({ port })
        // A restarted server without persistence is empty and has no scripts: they are reloaded.
        // (A call that timed out may still run once the client reconnects: it then counts
        // against later calls, never for them. A fresh session keeps this check exact.)
        let after = await limiter.consume({ session: 's2' }, { requests: 0 })
        for (let i = 0; after.storeError !== undefined && i < 100; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100))
          after = await limiter.consume({ session: 's2' }, { requests: 0 })
        }
        expect(await limiter.consume({ session: 's2' }, { requests: 5 })).toMatchObject({
          allowed: true,
          remaining: 0,
          storeError: undefined,
        })
        expect((await limiter.consume({ session: 's2' }, { requests: 1 })).allowed).toBe(false)
      } finally {
        await close()
      }
    })
  }
})
