import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { createRedisStore } from '../../src/redis/index.js'
import type { SessionStore } from '../../src/store/contract.js'
import {
  connectIoredis,
  connectNodeRedis,
  redisPort,
  type TestClient,
  uniquePrefix,
} from '../helpers/redis-clients.js'
import { type RedisServer, startRedisServer } from '../integration/redis-harness.js'

const MINUTE = 60_000
const timeoutMs = 300
const sleep = (ms: number) => new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms))

/** How a call ended: its value, the code of a SessionKitError, or 'hung' when it never settled. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  const settled = call.then(
    () => 'ok',
    (error: unknown) => (isSessionKitError(error) ? error.code : `foreign error: ${String(error)}`),
  )
  // Liveness, not speed: a call that is still pending long after its deadline has hung.
  return await Promise.race([settled, sleep(timeoutMs * 20)])
}

/** Retries `call` until it succeeds: clients reconnect on their own schedule after a restart. */
async function eventually<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= 100 || !isSessionKitError(error, 'STORE_UNAVAILABLE')) throw error
      await sleep(100)
    }
  }
}

// Its own server (the shared one must stay up for the other suites), stopped and restarted here.
describe.runIf(redisPort !== undefined)('Redis store when Redis goes away', () => {
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
    it(`${name}: calls reject with STORE_UNAVAILABLE while Redis is down, and work resumes after a restart`, async () => {
      const clock = createManualClock(Date.now())
      const { client, close } = await connect(server.port)
      try {
        const store = createRedisStore({ client, prefix: uniquePrefix(), clock, commandTimeoutMs: timeoutMs })
        expect(await store.create('s1', { expiresAt: clock.now() + MINUTE })).toBe(true)
        await store.push('s1', 'log', ['before'], { max: 10 })

        const port = server.port
        await server.stop()
        const calls: [string, () => Promise<unknown>][] = [
          ['meta', () => store.meta('s1')],
          ['touch', () => store.touch('s1', clock.now() + MINUTE)],
          ['push', () => store.push('s1', 'log', ['during'], { max: 10 })],
          ['getMap', () => store.getMap('s1', 'cart')],
          ['count', () => store.count()],
        ]
        for (const [call, run] of calls)
          expect([call, await outcome(run())]).toEqual([call, 'STORE_UNAVAILABLE'])
        const failure = await store.meta('s1').catch((error: unknown) => error)
        expect(failure).toMatchObject({
          code: 'STORE_UNAVAILABLE',
          message: expect.stringContaining('Redis'),
        })

        server = await startRedisServer({ port })
        // A restarted server without persistence is empty, and has lost the script cache too:
        // the store reloads its scripts (NOSCRIPT, then EVAL) and carries on.
        expect(await eventually(() => store.meta('s1'))).toBe(undefined)
        expect(await store.create('s1', { expiresAt: clock.now() + MINUTE })).toBe(true)
        expect((await store.push('s1', 'log', ['after'], { max: 10 })).lastSeq).toBe(1)
        expect(await store.count()).toBe(1)
      } finally {
        await close()
      }
    })
  }

  it('a call in flight when the server dies either lands or rejects with STORE_UNAVAILABLE, never hangs', async () => {
    const clock = createManualClock(Date.now())
    const connection = await connectIoredis(server.port)
    try {
      const store = createRedisStore({
        client: connection.client,
        prefix: uniquePrefix(),
        clock,
        commandTimeoutMs: timeoutMs,
      })
      await store.create('s1', { expiresAt: clock.now() + MINUTE })
      const pushes = Array.from({ length: 500 }, (_, i) =>
        outcome(store.push('s1', 'log', [i], { max: 1000 })),
      )
      const port = server.port
      await server.stop()
      const results = new Set(await Promise.all(pushes))
      for (const result of results) expect(['ok', 'STORE_UNAVAILABLE']).toContain(result)
      server = await startRedisServer({ port })
    } finally {
      await connection.close()
    }
  })

  it('readers never see a multi-key write half done', async () => {
    const clock = createManualClock(Date.now())
    const writerConnection = await connectIoredis(server.port)
    const readerConnection = await connectIoredis(server.port)
    try {
      const prefix = uniquePrefix()
      const writer: SessionStore = createRedisStore({ client: writerConnection.client, prefix, clock })
      const reader: SessionStore = createRedisStore({ client: readerConnection.client, prefix, clock })
      await writer.create('s1', { expiresAt: clock.now() + MINUTE })
      let writing = true
      const writes = (async () => {
        for (let i = 1; i <= 300; i++) {
          await Promise.all([
            writer.updateMap('s1', 'pair', { set: { a: i, b: i }, incr: { n: 1 } }),
            writer.push('s1', 'log', [i, i], { max: 8 }),
            writer.setValue('s1', 'state', { step: i }, { expiresAt: clock.now() + MINUTE + i }),
          ])
        }
        writing = false
      })()
      let reads = 0
      while (writing) {
        const [pair, log] = await Promise.all([
          reader.getMap<number>('s1', 'pair'),
          reader.range<number>('s1', 'log', 0, -1),
        ])
        // The fields (hash key) and the version (header key) of the map change together.
        expect(pair.entries.a).toBe(pair.entries.b)
        if (pair.version > 0) expect(pair.entries.n).toBe(pair.version)
        // A list read is whole pushes (list key) matching the seq counter (header key).
        expect(log.entries.length).toBe(log.length)
        expect(log.length % 2).toBe(0)
        log.entries.forEach((entry, i) => {
          expect(entry.seq).toBe(log.lastSeq - log.length + 1 + i)
          if (i % 2 === 1) expect(entry.value).toBe(log.entries[i - 1]!.value)
        })
        reads++
      }
      await writes
      expect(reads).toBeGreaterThan(0)
      expect((await reader.getMap('s1', 'pair')).entries).toEqual({ a: 300, b: 300, n: 300 })
      expect((await reader.getValue('s1', 'state'))?.value).toEqual({ step: 300 })
      expect((await reader.meta('s1'))?.expiresAt).toBe(clock.now() + MINUTE + 300)
    } finally {
      await Promise.all([writerConnection.close(), readerConnection.close()])
    }
  })
})
