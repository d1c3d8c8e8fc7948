// history.append on the memory store against two baselines measured in the same run:
// - raw: a hand-written tracker's LRUCache entry (with TTL) holding a plain array: push, trim to
//   the cap, refresh the TTL. Ours validates, copies (JSON), freezes and sequences every message,
//   gives it an id and counts activity; raw does none of that. Target >= 0.01x.
// - store: the memory store's own push of the same stored value (what append is built on).
//   Target >= 0.5x: the history layer (validation, id, options) costs at most as much as the store.
// All keep 500 messages per session at steady state. Awaited calls in a loop, best of 7 rounds.
import { LRUCache } from 'lru-cache'
import { createManualClock } from '../src/clock.js'
import { createHistory, parseHistoryOptions } from '../src/history/index.js'
import { createSessionId } from '../src/ids.js'
import { createMemoryStore } from '../src/store/memory.js'
import { fmt, opsPerSec, reportRatio } from './lib/measure.js'

const MAX = 500
const BATCH = 200
const IDLE_MS = 30 * 60_000
const clock = createManualClock(Date.parse('2026-01-01'))
const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
const sessionId = createSessionId()
await store.create(sessionId, { expiresAt: clock.now() + IDLE_MS })
const scope = {
  store,
  clock,
  sessionId,
  userId: undefined,
  userRecordId: undefined,
  activityExpiresAt: () => clock.now() + IDLE_MS,
  userExpiresAt: () => clock.now() + IDLE_MS,
}
const history = createHistory(scope, parseHistoryOptions({ maxMessages: MAX }))
const text = 'Do you have a 2BHK in Whitefield under 90 lakh with covered parking and a gym nearby?'

const lru = new LRUCache<string, { messages: object[] }>({ max: 10_000, ttl: IDLE_MS })
lru.set(sessionId, { messages: [] })
const raw = await opsPerSec(() => {
  for (let i = 0; i < BATCH; i++) {
    const entry = lru.get(sessionId)!
    entry.messages.push({ role: 'user', content: text, createdAt: clock.now() })
    if (entry.messages.length > MAX) entry.messages.shift()
    lru.set(sessionId, entry)
  }
}, BATCH)

const other = createSessionId()
await store.create(other, { expiresAt: clock.now() + IDLE_MS })
const pushOnly = await opsPerSec(async () => {
  for (let i = 0; i < BATCH; i++) {
    await store.push(
      other,
      'history',
      [{ id: 'a0d6e1f4-8b5e-4c4e-9a57-0c3f5b0f1d2e', createdAt: clock.now(), role: 'user', content: text }],
      {
        max: MAX,
        expiresAt: clock.now() + IDLE_MS,
      },
    )
  }
}, BATCH)

const ours = await opsPerSec(async () => {
  for (let i = 0; i < BATCH; i++) await history.append({ role: 'user', content: text })
}, BATCH)
let key = 0
const keyed = await opsPerSec(async () => {
  for (let i = 0; i < BATCH; i++)
    await history.append({ role: 'user', content: text }, { idempotencyKey: `k${key++}` })
}, BATCH)
const two = await opsPerSec(async () => {
  for (let i = 0; i < BATCH; i++)
    await history.append({ role: 'user', content: text }, { role: 'assistant', content: text })
}, BATCH * 2)

reportRatio('history.append(message) vs LRU array push', ours, raw, 0.01)
reportRatio('history.append(message) vs store.push', ours, pushOnly, 0.5)
console.log(
  `(for information) append with idempotencyKey: ${fmt(keyed)} msg/s = ${(keyed / raw).toFixed(2)}x of raw`,
)
console.log(
  `(for information) append of a question and answer in one call: ${fmt(two)} msg/s = ${(two / raw).toFixed(2)}x of raw`,
)
const page = await history.list({ limit: MAX })
if (page.total !== MAX || page.messages.length !== MAX)
  throw new Error(`expected ${MAX} stored messages, got ${page.total}`)
await store.close()
