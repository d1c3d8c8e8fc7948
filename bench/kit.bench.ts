// kit.get(id) against raw LRUCache.get with TTL, and kit.create() against raw randomBytes(16) plus
// LRUCache.set with TTL, in the same run. Both sides run through the same async loop (an await per
// call), since the kit's API is asynchronous by contract; the raw sync figure is printed too.
import { randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { createSessionKit } from '../src/index.js'
import { opsPerSec, reportRatio } from './lib/measure.js'

const N = 10_000
const TTL = 30 * 60_000
const kit = createSessionKit({ maxSessions: 200_000 })
const ids: string[] = []
for (let i = 0; i < N; i++) ids.push((await kit.create()).id)

const raw = new LRUCache<string, { createdAt: number }>({ max: 200_000, ttl: TTL })
for (const id of ids) raw.set(id, { createdAt: Date.now() })

const rawGetSync = await opsPerSec(() => {
  for (let i = 0; i < N; i++) raw.get(ids[i] as string)
}, N)
const rawGet = await opsPerSec(async () => {
  for (let i = 0; i < N; i++) await raw.get(ids[i] as string)
}, N)
const kitGet = await opsPerSec(async () => {
  for (let i = 0; i < N; i++) await kit.get(ids[i] as string)
}, N)

console.log(`raw LRUCache.get without an await: ${Math.round(rawGetSync).toLocaleString('en-US')} ops/s`)
reportRatio('kit.get(id) vs LRUCache.get (ttl), awaited', kitGet, rawGet, 0.3)

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
await kit.close()
