import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createDetector, type Detection } from '../../src/detect/index.js'
import { type RedisScriptRunner, redisDetectionIndex } from '../../src/redis/index.js'
import {
  connectIoredis,
  connectIoredisCluster,
  connectNodeRedis,
  connectNodeRedisCluster,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
} from '../helpers/redis-clients.js'
import { generateCorpus } from './corpus.js'
import { assistant, setup, system, T0, user } from './helpers.js'
import { sharedReplicas } from './shared-replicas.js'

const HOUR = 3_600_000

const clients: [string, () => Promise<TestClient>][] = [
  ['ioredis', connectIoredis],
  ['node-redis', connectNodeRedis],
  ['ioredis Cluster', connectIoredisCluster],
  ['node-redis Cluster', connectNodeRedisCluster],
]

for (const [name, connect] of clients) {
  const available = name.includes('Cluster') ? redisClusterNodes !== undefined : redisPort !== undefined
  describe.runIf(available)(`detection shared by replicas on ${name}`, () => {
    it('follows one conversation across replicas: continued, retry, fork, reset, fuzzy', async () => {
      const r = await sharedReplicas(3, connect)
      const [a, b, c] = r.detectors as [
        (typeof r.detectors)[0],
        (typeof r.detectors)[0],
        (typeof r.detectors)[0],
      ]
      try {
        const sys = system('You are helpful. Today is 2026-01-01T10:00:00Z.')
        const m1 = [sys, user('Plan a trip to Lisbon')]
        const d1 = await a.detect({ messages: m1, tenant: 'k1' })
        expect(d1).toMatchObject({ kind: 'new', degraded: false, position: 1 })
        const r1 = assistant('Three days: Alfama, Belem, Sintra.')
        expect(await a.bindReply(d1, r1)).toBe(true)

        const m2 = [
          system('You are helpful. Today is 2026-01-01T10:05:00Z.'),
          user('Plan a trip to Lisbon'),
          r1,
          user('And food?'),
        ]
        const d2 = await b.detect({ messages: m2, tenant: 'k1' })
        expect(d2).toMatchObject({
          kind: 'continued',
          sessionId: d1.sessionId,
          newMessages: 1,
          systemChanged: false,
        })
        expect(await c.detect({ messages: m2, tenant: 'k1' })).toMatchObject({
          kind: 'retry',
          sessionId: d1.sessionId,
        })
        const r2 = assistant('Pasteis de nata, bacalhau.')
        await b.bindReply(d2, r2)

        // The same words in another tenant: another session.
        expect((await c.detect({ messages: m2, tenant: 'k2' })).sessionId).not.toBe(d1.sessionId)

        // The user edits their last message: a fork of the same session.
        const fork = await c.detect({ messages: [...m2.slice(0, 3), user('And wine?')], tenant: 'k1' })
        expect(fork).toMatchObject({ kind: 'fork', sessionId: d1.sessionId, branchId: 1 })

        // A client that keeps only its last messages: placed by its replies.
        const m3 = [...m2, r2, user('Where to stay?')]
        const d3 = await a.detect({ messages: m3, tenant: 'k1' })
        expect(d3).toMatchObject({ kind: 'continued', sessionId: d1.sessionId, branchId: 0 })
        const r3 = assistant('Chiado or Principe Real.')
        await a.bindReply(d3, r3)
        const cut = await b.detect({
          messages: [sys, r2, user('Where to stay?'), r3, user('Budget?')],
          tenant: 'k1',
        })
        expect(cut).toMatchObject({ kind: 'fuzzy', sessionId: d1.sessionId, similarity: 1 })

        // A reset phrase starts a new session that names the old one.
        const reset = await c.detect({
          messages: [...m3, r3, user('Start over. What about Porto?')],
          tenant: 'k1',
        })
        expect(reset).toMatchObject({ kind: 'reset', previousSessionId: d1.sessionId })
        expect(reset.sessionId).not.toBe(d1.sessionId)

        // A changed system prompt is reported (its timestamp alone is not).
        const changed = await a.detect({ messages: [system('You are terse.'), ...m3.slice(1)], tenant: 'k1' })
        expect(changed).toMatchObject({ sessionId: d1.sessionId, systemChanged: true })
      } finally {
        await r.close()
      }
    })

    it('agrees on one session when replicas see the same first request at the same moment', async () => {
      const r = await sharedReplicas(3, connect)
      try {
        const request = { messages: [user('Hello, I need help with my order #8812')], tenant: 't' }
        const all: Detection[] = await Promise.all(
          Array.from({ length: 12 }, (_, i) => r.detectors[i % 3]!.detect(request)),
        )
        expect(new Set(all.map((d) => d.sessionId)).size).toBe(1)
        expect(all.filter((d) => d.kind === 'new')).toHaveLength(1)
        expect(all.filter((d) => d.kind === 'retry')).toHaveLength(11)
      } finally {
        await r.close()
      }
    })

    it('keeps identical openings of different users apart once the first is answered', async () => {
      const r = await sharedReplicas(2, connect)
      const [a, b] = r.detectors as [(typeof r.detectors)[0], (typeof r.detectors)[0]]
      try {
        const hello = [user('Hello')]
        const d1 = await a.detect({ messages: hello })
        await a.bindReply(d1, assistant('Hi! What can I do for you?'))
        const d2 = await b.detect({ messages: hello })
        expect(d2.kind).toBe('new')
        expect(d2.sessionId).not.toBe(d1.sessionId)
        await b.bindReply(d2, assistant('Hello there, how can I help?'))
        const next1 = await b.detect({
          messages: [...hello, assistant('Hi! What can I do for you?'), user('x')],
        })
        const next2 = await a.detect({
          messages: [...hello, assistant('Hello there, how can I help?'), user('y')],
        })
        expect(next1).toMatchObject({ kind: 'continued', sessionId: d1.sessionId })
        expect(next2).toMatchObject({ kind: 'continued', sessionId: d2.sessionId })
      } finally {
        await r.close()
      }
    })

    it('honours explicit ids on every replica, per tenant, and forgets sessions', async () => {
      const r = await sharedReplicas(2, connect)
      const [a, b] = r.detectors as [(typeof r.detectors)[0], (typeof r.detectors)[0]]
      try {
        const x1 = await a.detect({ messages: [user('one')], explicitId: 'order-1234', tenant: 'k' })
        const x2 = await b.detect({
          messages: [user('one'), assistant('1'), user('two')],
          explicitId: 'order-1234',
          tenant: 'k',
        })
        expect(x1).toMatchObject({ kind: 'new', explicit: true })
        expect(x2).toMatchObject({ kind: 'continued', sessionId: x1.sessionId, newMessages: 2 })
        const other = await b.detect({ messages: [user('one')], explicitId: 'order-1234', tenant: 'k2' })
        expect(other.sessionId).not.toBe(x1.sessionId)
        // An id the index issued to this tenant is used as is.
        const d = await a.detect({ messages: [user('hi')], tenant: 'k' })
        expect(
          (await b.detect({ messages: [user('more')], explicitId: d.sessionId, tenant: 'k' })).sessionId,
        ).toBe(d.sessionId)
        expect(
          (await b.detect({ messages: [user('more')], explicitId: d.sessionId, tenant: 'k3' })).sessionId,
        ).not.toBe(d.sessionId)

        expect(await b.forget(d.sessionId, 'k')).toBe(true)
        expect(await b.forget(d.sessionId, 'k')).toBe(false)
        expect((await a.detect({ messages: [user('hi')], tenant: 'k' })).sessionId).not.toBe(d.sessionId)
      } finally {
        await r.close()
      }
    })

    it('drops a session idle for idleMs, by the detector clock', async () => {
      const r = await sharedReplicas(2, connect, { idleMs: HOUR })
      const [a, b] = r.detectors as [(typeof r.detectors)[0], (typeof r.detectors)[0]]
      try {
        const d1 = await a.detect({ messages: [user('Plan a trip')] })
        await a.bindReply(d1, assistant('Where to?'))
        r.clock.advance(HOUR - 1)
        const d2 = await b.detect({ messages: [user('Plan a trip'), assistant('Where to?'), user('Oslo')] })
        expect(d2).toMatchObject({ kind: 'continued', sessionId: d1.sessionId })
        await b.bindReply(d2, assistant('Oslo in winter is dark.'))
        r.clock.advance(HOUR)
        const d3 = await a.detect({
          messages: [
            user('Plan a trip'),
            assistant('Where to?'),
            user('Oslo'),
            assistant('Oslo in winter is dark.'),
            user('ok'),
          ],
        })
        expect(d3.kind).toBe('fragmented')
        expect(d3.sessionId).not.toBe(d1.sessionId)
      } finally {
        await r.close()
      }
    })
  })
}

// The shared index follows the in-process rules request for request: the same kinds, branches,
// similarities and system flags, and the same grouping (session ids map one to one).
describe.runIf(redisPort !== undefined)('shared index against the in-process detector', () => {
  it('places 4,000 corpus requests exactly as one process does', { timeout: 60_000 }, async () => {
    const corpus = generateCorpus({ seed: 777, conversations: 400, tenants: 4, concurrency: 30 }).slice(
      0,
      4_000,
    )
    const local = setup({ maxSessions: 100_000 })
    const r = await sharedReplicas(1, connectIoredis, { maxSessions: 100_000 })
    const shared = r.detectors[0]!
    const ids = new Map<string, string>()
    try {
      for (const [i, c] of corpus.entries()) {
        local.clock.advance(c.advanceMs)
        r.clock.advance(c.advanceMs)
        const a = local.detector.detect(c.request)
        const b = await shared.detect(c.request)
        const facts = (d: Detection) => [
          d.kind,
          d.branchId,
          d.newMessages,
          d.similarity,
          d.systemChanged,
          d.reset,
        ]
        expect(facts(b), `request ${i}`).toEqual(facts(a))
        const mapped = ids.get(a.sessionId)
        if (mapped === undefined) ids.set(a.sessionId, b.sessionId)
        else expect(b.sessionId, `request ${i}`).toBe(mapped)
        if (c.reply !== undefined) {
          local.detector.bindReply(a, c.reply)
          await shared.bindReply(b, c.reply)
        }
      }
      expect(new Set(ids.values()).size).toBe(ids.size)
    } finally {
      await r.close()
    }
  })
})

// A replica keeps the reply fingerprints of the turns it placed or bound, and a continued turn
// takes them from there instead of hashing every reply again. Whatever it kept, a replica must send
// Redis exactly what one that never saw the conversation computes.
describe.runIf(redisPort !== undefined)('reply fingerprints a replica kept', () => {
  it('sends the arguments a replica that never saw the conversation sends', { timeout: 60_000 }, async () => {
    const corpus = generateCorpus({ seed: 4242, conversations: 150, tenants: 3, concurrency: 20 }).slice(
      0,
      1_500,
    )
    const conn = await connectIoredis()
    const clock = createManualClock(T0)
    const sent: { keys: readonly string[]; args: readonly string[] }[] = []
    const capture: RedisScriptRunner = {
      ...conn.client,
      evalsha: (sha1, keys, args) => {
        sent.push({ keys, args })
        return conn.client.evalsha(sha1, keys, args)
      },
    }
    // One seed for both, so that their keys are alike; each under its own prefix.
    const detectorOn = (prefix: string) =>
      createDetector({
        clock,
        index: redisDetectionIndex({
          client: capture,
          prefix,
          seed: 'one-seed-for-both',
          commandTimeoutMs: 5_000,
        }),
      })
    const warm = detectorOn(`${uniquePrefix()}w`)
    const coldPrefix = `${uniquePrefix()}c`
    // Everything after the hash tag: the key's kind and digest.
    const inner = (call: { keys: readonly string[]; args: readonly string[] }) => ({
      keys: call.keys.slice(1).map((k) => k.slice(k.indexOf('}'))),
      args: call.args,
    })
    // Code units each detect() hashed (bindReply's are left out: the cold replicas bind nothing).
    let coldBytes = 0
    let warmBytes = 0
    try {
      for (const [i, c] of corpus.entries()) {
        clock.advance(c.advanceMs)
        sent.length = 0
        const before = warm.stats().bytesHashed
        const d = await warm.detect(c.request)
        warmBytes += warm.stats().bytesHashed - before
        const cold = detectorOn(coldPrefix)
        await cold.detect(c.request)
        coldBytes += cold.stats().bytesHashed
        expect(sent.length, `request ${i}`).toBe(2)
        // The new session's id (KEYS[1]) is random: everything else must match.
        expect(inner(sent[0]!), `request ${i}`).toEqual(inner(sent[1]!))
        if (c.reply !== undefined) await warm.bindReply(d, c.reply)
      }
      // The kept fingerprints were used (else this test checks nothing): the warm replica hashed less.
      expect(warmBytes).toBeLessThan(coldBytes * 0.8)
    } finally {
      await conn.close()
    }
  })
})

describe('createDetector({ index }) input checks', () => {
  it('refuses an index that is not one, naming the option', () => {
    expect(() => createDetector({ index: {} as never })).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        details: expect.objectContaining({ option: 'index' }),
      }),
    )
  })
})
