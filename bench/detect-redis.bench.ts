// detect() on the Redis detection index against its floor: the in-process detect() of the same
// turn plus one raw GET of a 16-byte key on the same ioredis client (hashing cannot be skipped,
// and one round trip is the least a shared index costs). A turn after bindReply on a 20-message
// request, sequential and 64 in flight, on a redis-server this benchmark starts. Then the
// commands each call sends (MONITOR), and the memory of a typical session (MEMORY USAGE).
import { Redis } from 'ioredis'
import { createDetector, type Detector, type SharedDetector } from '../src/detect/index.js'
import { fromIoredis, redisDetectionIndex } from '../src/redis/index.js'
import { startRedisServer } from '../test/integration/redis-harness.js'
import { type Conversation, conversations } from './lib/gateway-requests.js'

const CONVERSATIONS = 400
const ROUNDS = 6
const IN_FLIGHT = 64

const server = await startRedisServer()
const redis = new Redis({ host: '127.0.0.1', port: server.port })
const client = fromIoredis(redis)
const all = conversations(CONVERSATIONS)
await redis.set('bench:floor-key', '0123456789abcdef')

// Plays each conversation up to its last request as a gateway does (detect, then bindReply).
async function prime(detector: Detector | SharedDetector, list: readonly Conversation[], inFlight = 32) {
  await pool(list, inFlight, async (c) => {
    for (let end = 2; end < c.messages.length; end += 2) {
      const d = await detector.detect({ messages: c.messages.slice(0, end), tenant: c.tenant })
      await detector.bindReply(d, c.messages[end]!)
    }
  })
}

// Runs `work` on every item with at most `inFlight` at once.
async function pool<T>(items: readonly T[], inFlight: number, work: (item: T) => Promise<unknown>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(inFlight, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

// Wall time per request, in microseconds, of `op` over every conversation's last request.
async function perRequest(inFlight: number, op: (c: Conversation) => Promise<unknown>): Promise<number> {
  const start = performance.now()
  if (inFlight === 1) for (const c of all) await op(c)
  else await pool(all, inFlight, op)
  return ((performance.now() - start) * 1000) / all.length
}

const floorUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
const oursUs: Record<number, number[]> = { 1: [], [IN_FLIGHT]: [] }
let prefixes = 0
for (let r = 0; r < ROUNDS; r++) {
  for (const inFlight of [1, IN_FLIGHT]) {
    // Fresh, primed detectors for each measure: every timed request is a turn after bindReply.
    const index = redisDetectionIndex({ client, prefix: `bench${prefixes++}`, commandTimeoutMs: 10_000 })
    const shared = createDetector({ index, maxSessions: 2 * CONVERSATIONS })
    const local = createDetector({ maxSessions: 2 * CONVERSATIONS })
    await prime(shared, all)
    await prime(local, all)
    floorUs[inFlight]!.push(
      await perRequest(inFlight, async (c) => {
        local.detect({ messages: c.messages, tenant: c.tenant })
        await redis.get('bench:floor-key')
      }),
    )
    oursUs[inFlight]!.push(
      await perRequest(inFlight, (c) => shared.detect({ messages: c.messages, tenant: c.tenant })),
    )
  }
}
// Round 0 warms up and is left out.
const median = (xs: number[]) => [...xs.slice(1)].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
console.log(
  `request: 20 messages of 400 characters, a turn after bindReply; ${CONVERSATIONS} conversations; median of ${ROUNDS - 1} rounds`,
)
for (const inFlight of [1, IN_FLIGHT]) {
  const floor = median(floorUs[inFlight]!)
  const ours = median(oursUs[inFlight]!)
  const ratio = floor / ours
  console.log(
    `${inFlight === 1 ? 'sequential' : `${inFlight} in flight`}: detect() on Redis ${ours.toFixed(1)} us per request, floor (in-process detect() + one GET) ${floor.toFixed(1)} us = ${ratio.toFixed(2)}x (target >= 0.75x) ${ratio >= 0.75 ? 'PASS' : 'MISS'}`,
  )
}

// Commands sent to Redis per call, counted by MONITOR (commands a script runs inside Redis are
// reported with source "lua" and not counted: they are not round trips).
async function commandsPer(work: () => Promise<number>): Promise<{ commands: number; calls: number }> {
  const monitor = await redis.monitor()
  let commands = 0
  monitor.on('monitor', (_time: string, _args: string[], source: string) => {
    if (!source.includes('lua')) commands++
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  const calls = await work()
  await new Promise((resolve) => setTimeout(resolve, 200))
  monitor.disconnect()
  return { commands, calls }
}
{
  const index = redisDetectionIndex({ client, prefix: `bench${prefixes++}`, commandTimeoutMs: 10_000 })
  const shared = createDetector({ index, maxSessions: 2 * CONVERSATIONS })
  const sample = all.slice(0, 100)
  await prime(shared, sample)
  const turns = await commandsPer(async () => {
    for (const c of sample) {
      const d = await shared.detect({ messages: c.messages, tenant: c.tenant })
      await shared.bindReply(d, { role: 'assistant', content: `answer to ${c.tenant}` })
    }
    return sample.length
  })
  const fresh = conversations(100, { from: 10_000 })
  const unseen = await commandsPer(async () => {
    for (const c of fresh) await shared.detect({ messages: c.messages, tenant: c.tenant })
    return fresh.length
  })
  console.log(
    `round trips (MONITOR): ${(turns.commands / turns.calls).toFixed(2)} per turn after bindReply (detect() + bindReply()); ${(unseen.commands / unseen.calls).toFixed(2)} per detect() of a request nothing matches (a second round trip carries every key and fingerprint)`,
  )
}

// Memory of a typical session on Redis (5 turns, 10 messages and a system prompt, replies bound):
// every key under the index's prefix, by MEMORY USAGE, over the sessions.
{
  const SESSIONS = 2_000
  const prefix = `bench${prefixes++}`
  const index = redisDetectionIndex({ client, prefix, commandTimeoutMs: 10_000 })
  const shared = createDetector({ index, maxSessions: 2 * SESSIONS })
  await prime(shared, conversations(SESSIONS, { from: 20_000, turns: 10, chars: 300 }))
  const bytes: Record<string, { keys: number; bytes: number }> = {}
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}:d:*`, 'COUNT', 1000)
    cursor = next
    for (const key of keys) {
      const kind = /\}:(\w)/.exec(key)?.[1] ?? '?'
      bytes[kind] ??= { keys: 0, bytes: 0 }
      const b = bytes[kind]
      b.keys++
      b.bytes += Number(await redis.memory('USAGE', key))
    }
  } while (cursor !== '0')
  const total = Object.values(bytes).reduce((n, b) => n + b.bytes, 0)
  const keys = Object.values(bytes).reduce((n, b) => n + b.keys, 0)
  const names: Record<string, string> = { s: 'session records', k: 'chain keys', r: 'reply fingerprints' }
  console.log(
    `memory per typical session on Redis (5 turns, replies bound): ${Math.round(total / SESSIONS).toLocaleString('en-US')} bytes in ${(keys / SESSIONS).toFixed(1)} keys (MEMORY USAGE): ${Object.entries(
      bytes,
    )
      .map(
        ([kind, b]) =>
          `${names[kind] ?? kind} ${(b.keys / SESSIONS).toFixed(1)} x ${Math.round(b.bytes / b.keys)} B`,
      )
      .join(', ')}`,
  )
}

redis.disconnect()
await server.stop()
