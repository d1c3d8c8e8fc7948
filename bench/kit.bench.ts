// kit.get(id) against raw LRUCache.get with TTL (the measurement of lib/kit-get.ts, which
// memory-footprint.bench.ts prints too), and kit.create() against raw randomBytes(16) plus
// LRUCache.set with TTL, in the same run. Both sides run through the same async loop (an await per
// call), since the kit's API is asynchronous by contract.
import { randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { createSessionKit } from '../src/index.js'
import { reportKitGet } from './lib/kit-get.js'
import { opsPerSec, reportRatio } from './lib/measure.js'

const TTL = 30 * 60_000
await reportKitGet()

const B = 2_000
const rawCreate = await opsPerSec(async () => {
  const cache = new LRUCache<string, { createdAt: number }>({ max: 200_000, ttl: TTL })
  for (let i = 0; i < B; i++)
    await cache.set(randomBytes(16).toString('base64url'), { createdAt: Date.now() })
}, B)
const kitCreate = await opsPerSec(async () => {
  const fresh = createSessionKit({ maxSessions: 200_000 })
  for (let i = 0; i < B; i++) await fresh.create()
  await fresh.close()
}, B)
reportRatio('kit.create() vs randomBytes(16)+LRUCache.set', kitCreate, rawCreate, 0.25)
