import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createDetector } from '../../src/detect/detector.js'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import { toMetricsJson } from '../../src/metrics/json.js'
import { createRedisStore, fromIoredis } from '../../src/redis/index.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { T0 } from '../helpers/kit.js'
import { ignoreConnectionErrors, redisPort, uniquePrefix } from '../helpers/redis-clients.js'
import { startRedisServer } from '../integration/redis-harness.js'

const quiet = () => undefined

describe('kit.metrics()', () => {
  it('counts sessions created, ended by reason, rotated, lookups, and asks the store for the live count', async () => {
    const clock = createManualClock(T0)
    const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
    const kit = createSessionKit({ store, ttl: { idleMs: 60_000 }, onWarning: quiet })
    const a = await kit.create()
    const b = await kit.create({ userId: 'u1' })
    await kit.create()
    await kit.get(a.id)
    await kit.get('no-such-session-id')
    await kit.end(a.id)
    await kit.link(b.id, 'u1')
    clock.advance(61_000)
    store.sweep()
    const json = toMetricsJson(await kit.metrics())
    expect(json).toMatchObject({
      sessionkit_sessions_active: 0,
      sessionkit_sessions_created_total: 3,
      sessionkit_sessions_ended_total: { ended: 1, expired: 2, evicted: 0 },
      sessionkit_sessions_rotated_total: 1,
      sessionkit_session_lookups_total: { hit: 2, miss: 1 },
      sessionkit_store_errors_total: { STORE_UNAVAILABLE: 0, STORE_REJECTED: 0 },
      sessionkit_conflicts_total: 0,
      sessionkit_summaries_failed_total: 0,
    })
    await kit.close()
  })

  it('counts a summariser that failed, and a CAS update that lost every retry', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 0 })
    const options = {
      store,
      concurrency: { maxRetries: 0 },
      onWarning: quiet,
      history: { maxMessages: 4, summarize: () => Promise.reject(new Error('model down')) },
    }
    const kit = createSessionKit(options)
    // A second kit on the same store: its own queue, so the two race on the compare-and-set.
    const other = createSessionKit(options)
    const s = await kit.create()
    for (let i = 0; i < 6; i++) await s.history.append({ role: 'user', content: `message ${i}` })
    await s.state.update(() => 1)
    const twin = await other.get(s.id)
    const lost = s.state.update(async () => {
      await twin!.state.update(() => 2)
      return 3
    })
    await expect(lost).rejects.toSatisfy((e) => isSessionKitError(e, 'CONFLICT'))
    const json = toMetricsJson(await kit.metrics())
    expect(json.sessionkit_conflicts_total).toBe(1)
    expect(json.sessionkit_summaries_failed_total).toBeGreaterThanOrEqual(1)
    expect((json.sessionkit_warnings_total as Record<string, number>).SESSIONKIT_SUMMARY_FAILED).toBe(
      json.sessionkit_summaries_failed_total,
    )
    await other.close()
    await kit.close()
  })

  it("adds the detector's metrics once the kit made one", async () => {
    const kit = createSessionKit()
    expect((await kit.metrics()).some((m) => m.definition.name === 'sessionkit_detections_total')).toBe(false)
    await kit.detect({ messages: [{ role: 'user', content: 'hello' }] })
    const json = toMetricsJson(await kit.metrics())
    expect(json.sessionkit_detections_total).toMatchObject({ new: 1 })
    expect(json.sessionkit_sessions_created_total).toBe(1)
    await kit.close()
  })

  it("adds the rate limiter's metrics when the kit has limits, shared by session.limits and kit.limits", async () => {
    const names = async (k: SessionKit) => (await k.metrics()).map((m) => m.definition.name)
    const plain = createSessionKit()
    expect(await names(plain)).not.toContain('sessionkit_rate_limit_decisions_total')
    await plain.close()
    const kit = createSessionKit({
      limits: {
        rules: [
          { name: 'requests', per: 'session', limit: 2, windowMs: 60_000 },
          { name: 'logins', per: 'ip', limit: 1, windowMs: 60_000 },
        ],
      },
    })
    const s = await kit.create()
    for (let i = 0; i < 3; i++) await s.limits.consume({ requests: 1 })
    await kit.limits.consume({ ip: '203.0.113.9' }, { logins: 1 })
    await kit.limits.consume({ ip: '203.0.113.9' }, { logins: 1 })
    const json = toMetricsJson(await kit.metrics())
    expect(json).toMatchObject({
      sessionkit_rate_limit_decisions_total: { allowed: 3, refused: 2 },
      sessionkit_rate_limit_refusals_total: { requests: 1, logins: 1 },
      sessionkit_rate_limit_store_errors_total: 0,
      sessionkit_rate_limit_subjects: 2,
      sessionkit_rate_limit_evictions_total: 0,
    })
    expect(json.sessionkit_rate_limit_memory_bytes).toBeGreaterThan(0)
    await kit.close()
  })

  it('detector.metrics(): detections by kind, the timing histogram by phase, evictions by reason', () => {
    const detector = createDetector({ maxSessions: 1, onWarning: quiet })
    const first = detector.detect({ messages: [{ role: 'user', content: 'one' }] })
    detector.bindReply(first, { role: 'assistant', content: 'reply one' })
    detector.detect({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'reply one' },
        { role: 'user', content: 'two' },
      ],
    })
    detector.detect({ messages: [{ role: 'user', content: 'another conversation' }] })
    const json = toMetricsJson(detector.metrics())
    expect(json.sessionkit_detections_total).toMatchObject({ new: 2, continued: 1 })
    expect(json.sessionkit_detector_evictions_total).toMatchObject({ capacity: 1, idle: 0 })
    expect(json.sessionkit_detector_sessions_active).toBe(1)
    expect(json.sessionkit_detector_replies_bound_total).toBe(1)
    const seconds = json.sessionkit_detect_seconds as Record<string, { count: number; sum: number }>
    expect(seconds.hash?.count).toBe(3)
    expect(seconds.lookup?.count).toBe(3)
    expect(seconds.hash?.sum).toBeGreaterThan(0)
  })
})

// A real Redis server stopped under the kit: every failed call is counted by its code.
describe.runIf(redisPort !== undefined)('sessionkit_store_errors_total on Redis', () => {
  const clients: Redis[] = []
  let kit: SessionKit | undefined
  afterAll(async () => {
    await kit?.close()
    for (const c of clients) c.disconnect()
  })

  it('counts STORE_REJECTED (a key another program wrote) and STORE_UNAVAILABLE (server down)', async () => {
    const server = await startRedisServer()
    const connect = () => {
      const c = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 0 })
      c.on('error', ignoreConnectionErrors)
      clients.push(c)
      return c
    }
    const prefix = uniquePrefix()
    kit = createSessionKit({ store: createRedisStore({ client: fromIoredis(connect()), prefix }) })
    const s = await kit.create()
    await s.history.append({ role: 'user', content: 'hi' })
    await connect().hset(`{${prefix}:${s.id}}`, 's:history', 'not a number')
    await expect(s.history.append({ role: 'user', content: 'again' })).rejects.toSatisfy((e) =>
      isSessionKitError(e, 'STORE_REJECTED'),
    )
    await server.stop()
    await expect(kit.get(s.id)).rejects.toSatisfy((e) => isSessionKitError(e, 'STORE_UNAVAILABLE'))
    await expect(kit.create()).rejects.toSatisfy((e) => isSessionKitError(e, 'STORE_UNAVAILABLE'))
    // The metrics still answer while the store is down (when they matter most): the live count,
    // which asks the store, has no sample, and its two failed calls are counted too.
    const metrics = await kit.metrics()
    const active = metrics.find((m) => m.definition.name === 'sessionkit_sessions_active')
    expect(active?.samples).toEqual([])
    expect(toMetricsJson(metrics).sessionkit_store_errors_total).toEqual({
      STORE_UNAVAILABLE: 4,
      STORE_REJECTED: 1,
    })
  })
})
