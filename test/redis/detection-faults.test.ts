import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createDetector, type SharedDetector } from '../../src/detect/index.js'
import { toMetricsJson } from '../../src/metrics/json.js'
import { redisDetectionIndex } from '../../src/redis/index.js'
import type { SessionKitWarning } from '../../src/warnings.js'
import { connectIoredis, ignoreConnectionErrors, redisPort, uniquePrefix } from '../helpers/redis-clients.js'
import { command, type RedisServer, startRedisServer } from '../integration/redis-harness.js'

const TIMEOUT = 200
const user = (content: string) => ({ role: 'user', content })
const assistant = (content: string) => ({ role: 'assistant', content })

// The first calls of a detector read the seed and load the scripts (EVAL after NOSCRIPT): on a
// loaded machine they may take longer than TIMEOUT, so the tests start from a warm detector.
async function warm(detector: SharedDetector): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (!(await detector.detect({ messages: [user(`warm-up ${i}`)] })).degraded) return
  }
  throw new Error('the shared index never answered within the timeout')
}

// Its own server, paused and stopped here (the shared one must stay up for the other suites).
describe.runIf(redisPort !== undefined)('shared detection when Redis is slow or down', () => {
  let server: RedisServer
  beforeAll(async () => {
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  it('answers from the local index within commandTimeoutMs, counts it, and writes nothing half-done', async () => {
    const clock = createManualClock(Date.now())
    const prefix = uniquePrefix()
    const [one, two] = [await connectIoredis(server.port), await connectIoredis(server.port)]
    const raw = new Redis({ host: '127.0.0.1', port: server.port }).on('error', ignoreConnectionErrors)
    try {
      const a = createDetector({
        clock,
        index: redisDetectionIndex({ client: one.client, prefix, commandTimeoutMs: TIMEOUT }),
      })
      const b = createDetector({
        clock,
        index: redisDetectionIndex({ client: two.client, prefix, commandTimeoutMs: TIMEOUT }),
      })
      await warm(a)
      await warm(b)
      const m1 = [user('Book a table for two')]
      const d1 = await a.detect({ messages: m1 })
      expect(d1.degraded).toBe(false)
      await a.bindReply(d1, assistant('Which evening?'))
      const m2 = [...m1, assistant('Which evening?'), user('Friday')]

      // Redis stops answering for longer than the timeout: the request is answered anyway.
      const degradedBefore = a.stats().degraded
      await command(server.port, ['CLIENT', 'PAUSE', '1500', 'ALL'])
      const started = performance.now()
      const slow = await a.detect({ messages: m2 })
      const waited = performance.now() - started
      expect(slow).toMatchObject({ degraded: true })
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT - 5)
      // The deadline, plus what a loaded machine adds to waking a timer and answering locally.
      expect(waited).toBeLessThan(TIMEOUT + 1_000)
      expect(a.stats().degraded).toBe(degradedBefore + 1)
      // Its reply binds to the local index, where the degraded session lives.
      expect(await a.bindReply(slow, assistant('Friday at eight?'))).toBe(true)

      // The script the slow call sent ran whole once Redis woke up (a script is atomic): another
      // replica sees the conversation where that script left it, in one consistent session.
      await new Promise((resolve) => setTimeout(resolve, 1_600))
      const after = await b.detect({ messages: m2 })
      expect(after).toMatchObject({ degraded: false, kind: 'retry', sessionId: d1.sessionId })
      // Every key it wrote expires (the seed aside).
      const keys = await raw.keys(`{${prefix}:d:*`)
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) expect(await raw.pttl(key)).toBeGreaterThan(0)
    } finally {
      raw.disconnect()
      await one.close()
      await two.close()
    }
  })

  it('keeps answering while Redis is down (warned once, counted), and uses the shared index again once it is back', async () => {
    const clock = createManualClock(Date.now())
    const connection = await connectIoredis(server.port)
    const warnings: SessionKitWarning[] = []
    try {
      const detector = createDetector({
        clock,
        onWarning: (w) => warnings.push(w),
        index: redisDetectionIndex({
          client: connection.client,
          prefix: uniquePrefix(),
          commandTimeoutMs: TIMEOUT,
        }),
      })
      await warm(detector)
      // A warm-up that degraded warned already: past the minute, the next degradation warns again.
      clock.advance(60_001)
      warnings.length = 0
      await server.stop()
      const started = performance.now()
      const down = await detector.detect({ messages: [user('still there?')] })
      expect(down).toMatchObject({ degraded: true, kind: 'new' })
      expect(performance.now() - started).toBeLessThan(TIMEOUT + 1_000)
      await detector.detect({ messages: [user('and now?')] })
      expect(warnings).toEqual([
        {
          code: 'SESSIONKIT_DETECTION_DEGRADED',
          message: expect.stringContaining("this replica's local index"),
          cause: expect.objectContaining({ code: 'STORE_UNAVAILABLE' }),
        },
      ])
      const json = toMetricsJson(detector.metrics())
      expect(json.sessionkit_detections_degraded_total).toBe(detector.stats().degraded)
      expect(json.sessionkit_detections_degraded_total).toBeGreaterThanOrEqual(2)
      expect(json.sessionkit_detection_index_round_trips_total).toBeGreaterThan(0)
      server = await startRedisServer({ port: server.port })
      let back = down
      for (let i = 0; i < 100 && back.degraded; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        back = await detector.detect({ messages: [user('back?')] })
      }
      expect(back.degraded).toBe(false)
      expect(detector.stats().degraded).toBeGreaterThanOrEqual(1)
      // A failed bindReply rejects (the caller decides: await it, or catch it when firing and forgetting).
      await server.stop()
      await expect(detector.bindReply(back, assistant('yes'))).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
      })
      server = await startRedisServer({ port: server.port })
    } finally {
      await connection.close()
    }
  })
})
