// Rotation (kit.regenerate, and kit.link at login): what moving a session to a new id costs.
// 1. Drawing a rename target in the Redis Cluster slot of the old id: the suffix search of
//    src/redis/slots.ts against the naive way (draw whole 128-bit ids until one lands in the slot,
//    about 16,384 draws), and against one plain createSessionId() for scale.
// 2. kit.regenerate on the memory store, against a hand-rolled move in a raw LRUCache (delete the
//    entry, set it again under randomBytes(16)).
// 3. kit.regenerate on Redis, against raw ioredis moving the same keys in one MULTI (RENAME of the
//    header and each part key, SET of a tombstone). Skipped with a notice without redis-server.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { createSessionId } from '../src/ids.js'
import { createSessionKit, type Session } from '../src/index.js'
import { createRedisStore, fromIoredis } from '../src/redis/index.js'
import { keySlot, sessionIdInSlot } from '../src/redis/slots.js'
import { redisServerAvailable, startRedisServer } from '../test/integration/redis-harness.js'
import { opsPerSec, reportRatio } from './lib/measure.js'

const slots = Array.from({ length: 64 }, () => keySlot(`{sk:${createSessionId()}}`))
let s = 0
const ours = await opsPerSec(() => sessionIdInSlot('sk:', slots[s++ % slots.length]!), 1, { rounds: 5 })
const naive = await opsPerSec(
  () => {
    const slot = slots[s++ % slots.length]!
    while (keySlot(`{sk:${createSessionId()}}`) !== slot) {}
  },
  1,
  { rounds: 3 },
)
const plain = await opsPerSec(() => createSessionId(), 1, { rounds: 5 })
console.log(
  `same-slot id draw: ${(1000 / ours).toFixed(3)} ms each; naive draw ${(1000 / naive).toFixed(1)} ms each`,
)
reportRatio('same-slot draw vs naive whole-id draws', ours, naive, 10)
console.log(`same-slot draw vs one createSessionId(): ${(ours / plain).toFixed(4)}x (information)`)

const N = 2_000
const TTL = 30 * 60_000
const memoryKit = createSessionKit({ maxSessions: 200_000 })
let live: Session[] = []
for (let i = 0; i < N; i++) {
  const session = await memoryKit.create()
  await session.state.replace({ step: i })
  live.push(session)
}
const kitRotate = await opsPerSec(async () => {
  live = await Promise.all(live.map((session) => memoryKit.regenerate(session.id)))
}, N)
const cache = new LRUCache<string, { state: unknown }>({ max: 200_000, ttl: TTL })
let rawIds = Array.from({ length: N }, (_, i) => {
  const id = randomBytes(16).toString('base64url')
  cache.set(id, { state: { step: i } })
  return id
})
const rawRotate = await opsPerSec(async () => {
  rawIds = await Promise.all(
    rawIds.map(async (id) => {
      const entry = await cache.get(id)
      cache.delete(id)
      const next = randomBytes(16).toString('base64url')
      cache.set(next, entry!)
      return next
    }),
  )
}, N)
reportRatio('memory kit.regenerate vs LRUCache move', kitRotate, rawRotate, 0.05)
await memoryKit.close()

if (!redisServerAvailable()) {
  console.log('REDIS PART SKIPPED: redis-server not found on PATH (apt-get install -y redis-server)')
} else {
  const server = await startRedisServer()
  const raw = new Redis({ host: '127.0.0.1', port: server.port })
  const kit = createSessionKit({ store: createRedisStore({ client: fromIoredis(raw), prefix: 'rot' }) })
  const R = 200
  let sessions: Session[] = []
  for (let i = 0; i < R; i++) {
    const session = await kit.create()
    await session.state.replace({ step: i })
    await session.history.append({ role: 'user', content: `hello ${i}` })
    sessions.push(session)
  }
  const redisRotate = await opsPerSec(async () => {
    sessions = await Promise.all(sessions.map((session) => kit.regenerate(session.id)))
  }, R)
  // The same keys, moved by hand: a header hash, a value, a list and its two idempotency keys.
  let keys = sessions.map(() => `{raw:${createSessionId()}}`)
  for (const key of keys) {
    await raw
      .multi()
      .hset(key, 'c', Date.now(), 'e', Date.now() + TTL)
      .set(`${key}:state`, '{"step":1}')
      .rpush(`${key}:history`, '{"role":"user","content":"hello"}')
      .exec()
  }
  const rawMove = await opsPerSec(async () => {
    keys = await Promise.all(
      keys.map(async (key) => {
        const next = `{raw:${createSessionId()}}`
        await raw
          .multi()
          .rename(key, next)
          .rename(`${key}:state`, `${next}:state`)
          .rename(`${key}:history`, `${next}:history`)
          .set(`tomb:${key}`, String(Date.now() + TTL), 'PX', TTL)
          .exec()
        return next
      }),
    )
  }, R)
  reportRatio('Redis kit.regenerate vs raw MULTI of RENAMEs', redisRotate, rawMove, 0.3)
  await kit.close()
  raw.disconnect()
  await server.stop()
}
