// view.penalty over 500 candidates with 50 seen, against a raw Set.has on the same ids in the same
// run (the flat "-1.5 if seen" of a hand-written tracker). Target: >= 0.5x of raw. Then the heap
// delta of 10 million lookups (penalties into a reused Float64Array): target ~0 bytes.
import { createManualClock } from '../src/clock.js'
import { createSessionId } from '../src/ids.js'
import { createSeen, parseSeenOptions } from '../src/seen/index.js'
import { createMemoryStore } from '../src/store/memory.js'
import { fmt, heapUsed, opsPerSec, reportRatio } from './lib/measure.js'

const CANDIDATES = 500
const SEEN = 50
const clock = createManualClock(Date.parse('2026-01-01'))
const store = createMemoryStore({ clock, sweepIntervalMs: 0 })
const sessionId = createSessionId()
await store.create(sessionId, { expiresAt: clock.now() + 3_600_000 })
const seen = createSeen(
  {
    store,
    clock,
    sessionId,
    userId: undefined,
    userRecordId: undefined,
    activityExpiresAt: () => clock.now() + 3_600_000,
    userExpiresAt: () => clock.now() + 3_600_000,
  },
  parseSeenOptions({
    policy: {
      kind: 'decay',
      halfLifeMs: 600_000,
      attributes: { color: { weight: 0.4 }, brand: { weight: 0.3 } },
    },
  }),
)

const ids = Array.from({ length: CANDIDATES }, (_, i) => `item-${(i * 7919) % 100_000}`)
const attrsOf = (i: number) => [`color:c${i % 9}`, `brand:b${i % 13}`]
// 50 of the 500 candidates seen, 5 per generation, one generation a minute.
for (let g = 0; g < SEEN / 5; g++) {
  const shown = Array.from({ length: 5 }, (_, j) => ids[(g * 5 + j) * (CANDIDATES / SEEN)] as string)
  await seen.mark(shown, { attributes: Object.fromEntries(shown.map((id, j) => [id, attrsOf(g * 5 + j)])) })
  clock.advance(60_000)
}
const view = await seen.view()
const set = new Set(view.items())
if (set.size !== SEEN) throw new Error(`expected ${SEEN} seen items, got ${set.size}`)

const out = new Float64Array(CANDIDATES)
const raw = await opsPerSec(() => {
  for (let i = 0; i < CANDIDATES; i++) out[i] = set.has(ids[i] as string) ? -1.5 : 0
}, CANDIDATES)
const ours = await opsPerSec(() => {
  for (let i = 0; i < CANDIDATES; i++) out[i] = view.penalty(ids[i] as string)
}, CANDIDATES)
const batch = await opsPerSec(() => view.penalties(ids, out), CANDIDATES)
const candidateAttrs = ids.map((_, i) => attrsOf(i))
const withAttrs = await opsPerSec(() => view.penalties(ids, out, candidateAttrs), CANDIDATES)

reportRatio('view.penalty(id) vs Set.has', ours, raw, 0.5)
reportRatio('view.penalties(ids, out) vs Set.has', batch, raw, 0.5)
console.log(
  `(for information) view.penalties(ids, out, attrs), two values each: ${fmt(withAttrs)} ops/s = ${(withAttrs / raw).toFixed(2)}x of Set.has`,
)

const LOOPS = 20_000
const before = heapUsed()
for (let r = 0; r < LOOPS; r++) view.penalties(ids, out)
for (let r = 0; r < LOOPS; r++) for (let i = 0; i < CANDIDATES; i++) out[i] = view.penalty(ids[i] as string)
const delta = heapUsed() - before
const calls = 2 * LOOPS * CANDIDATES
const heapPass = delta < 64 * 1024
console.log(
  `heap delta over ${calls.toLocaleString('en-US')} lookups: ${delta} bytes (${(delta / calls).toFixed(4)} B/lookup; target ~0, < 64 KiB) ${heapPass ? 'PASS' : 'MISS'}`,
)
await store.close()
