// The memory store beside what an in-process service would use instead: heap per session (empty,
// and typical: a user id in the header and a ~200-byte preferences value), each session read once
// after it is written, against lru-cache (an entry with ttl holding the same data) and
// express-session's MemoryStore (which keeps each session as JSON text); then the latency of a small
// write and a read, against `LRUCache.set`/`get` with ttl, and an awaited `kit.get` against an
// awaited `LRUCache.get`. Ratios in the same run; medians of interleaved rounds. Targets: heap per
// empty session <= 1.2x lru-cache's; a small write <= 6x a read of the same store; awaited
// `kit.get` >= 0.5x an awaited `LRUCache.get`.
import { MemoryStore as ExpressMemoryStore } from 'express-session'
import { LRUCache } from 'lru-cache'
import { createSessionId } from '../src/ids.js'
import { createSessionKit } from '../src/kit.js'
import { createMemoryStore } from '../src/store/memory.js'

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const HOUR = 3_600_000
const M = 100_000
const prefs = {
  theme: 'dark',
  locale: 'en-GB',
  budget: { min: 500, max: 1000 },
  brands: ['acme', 'globex', 'initech'],
}

/** A full collection after pending callbacks ran (express-session defers its callbacks). */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  gc()
  gc()
}

async function heapPer(fill: () => Promise<unknown>): Promise<number> {
  await settle()
  const before = process.memoryUsage().heapUsed
  await fill()
  await settle()
  return (process.memoryUsage().heapUsed - before) / M
}

const held: unknown[] = []
async function ours(typical: boolean): Promise<number> {
  return heapPer(async () => {
    const store = createMemoryStore({ maxSessions: M, sweepIntervalMs: 0 })
    held.push(store)
    const expiresAt = Date.now() + HOUR
    for (let i = 0; i < M; i++) {
      const id = createSessionId()
      await store.create(id, { expiresAt, data: typical ? { u: `user-${i}` } : {} })
      if (typical) await store.setValue(id, 'preferences', prefs)
      await store.meta(id)
      if (typical) await store.getValue(id, 'preferences')
    }
  })
}
async function lru(typical: boolean): Promise<number> {
  return heapPer(async () => {
    const cache = new LRUCache<string, object>({ max: M, ttl: HOUR })
    held.push(cache)
    for (let i = 0; i < M; i++) {
      const id = createSessionId()
      const data = typical ? { u: `user-${i}` } : {}
      cache.set(
        id,
        typical
          ? { createdAt: Date.now(), data, preferences: structuredClone(prefs) }
          : { createdAt: Date.now(), data },
      )
      await cache.get(id)
    }
  })
}
async function express(typical: boolean): Promise<number> {
  return heapPer(async () => {
    const store = new ExpressMemoryStore()
    held.push(store)
    for (let i = 0; i < M; i++) {
      const sid = createSessionId()
      const cookie = { originalMaxAge: HOUR, expires: new Date(Date.now() + HOUR), httpOnly: true, path: '/' }
      const session = typical ? { cookie, u: `user-${i}`, preferences: prefs } : { cookie }
      await new Promise<void>((resolve) => store.set(sid, session as never, () => resolve()))
      await new Promise<void>((resolve) => store.get(sid, () => resolve()))
    }
  })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const heap: Record<string, number[]> = {}
for (let round = 0; round < 3; round++) {
  for (const [name, run] of [
    ['ours', ours],
    ['lru', lru],
    ['express', express],
  ] as const) {
    for (const typical of [false, true]) {
      const key = `${name} ${typical ? 'typical' : 'empty'}`
      heap[key] = [...(heap[key] ?? []), await run(typical)]
      held.length = 0
    }
  }
}
const B = (key: string) => median(heap[key]!)
console.log(`heap per session at ${M} sessions, each read once (median of 3)`)
for (const kind of ['empty', 'typical']) {
  const ratio = B(`ours ${kind}`) / B(`lru ${kind}`)
  const target = kind === 'empty' ? (ratio <= 1.2 ? '  target <= 1.2x PASS' : '  target <= 1.2x MISS') : ''
  console.log(
    `  ${kind.padEnd(8)} memory store ${B(`ours ${kind}`).toFixed(0)} B, lru-cache ${B(`lru ${kind}`).toFixed(0)} B, express-session MemoryStore ${B(`express ${kind}`).toFixed(0)} B: ${ratio.toFixed(2)}x lru-cache${target}`,
  )
}

// Latency, awaited one by one over 10,000 live sessions.
const N = 10_000
const OPS = 200_000
const store = createMemoryStore({ maxSessions: N * 2, sweepIntervalMs: 0 })
const kit = createSessionKit({ store })
const cache = new LRUCache<string, object>({ max: N * 2, ttl: HOUR })
const ids: string[] = []
for (let i = 0; i < N; i++) {
  const s = await kit.create()
  await store.setValue(s.id, 'state', { step: 0 })
  ids.push(s.id)
  cache.set(s.id, { step: 0 })
}
const cases: Record<string, () => Promise<void>> = {
  setValue: async () => {
    for (let i = 0; i < OPS; i++) await store.setValue(ids[i % N]!, 'state', { step: i })
  },
  getValue: async () => {
    for (let i = 0; i < OPS; i++) await store.getValue(ids[i % N]!, 'state')
  },
  lruSet: async () => {
    for (let i = 0; i < OPS; i++) await cache.set(ids[i % N]!, { step: i }, { ttl: HOUR })
  },
  lruGet: async () => {
    for (let i = 0; i < OPS; i++) await cache.get(ids[i % N]!)
  },
  kitGet: async () => {
    for (let i = 0; i < OPS; i++) await kit.get(ids[i % N]!)
  },
}
const rates: Record<string, number[]> = {}
for (let round = 0; round < 8; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const t0 = performance.now()
    await run()
    if (round > 0) rates[name] = [...(rates[name] ?? []), OPS / ((performance.now() - t0) / 1000)]
  }
}
const r = (name: string) => median(rates[name]!)
const us = (name: string) => `${(1e6 / r(name)).toFixed(2)} us`
const writeRead = r('getValue') / r('setValue')
console.log(`latency, awaited one by one, ${N} sessions, median of 7 rounds of ${OPS}`)
console.log(
  `  small write (setValue) ${us('setValue')} vs read (getValue) ${us('getValue')}: a write costs ${writeRead.toFixed(1)}x a read; target <= 6x ${writeRead <= 6 ? 'PASS' : 'MISS'}`,
)
console.log(
  `  setValue vs await LRUCache.set (ttl) ${us('lruSet')}: ${(r('setValue') / r('lruSet')).toFixed(2)}x; getValue vs await LRUCache.get ${us('lruGet')}: ${(r('getValue') / r('lruGet')).toFixed(2)}x`,
)
const kitRatio = r('kitGet') / r('lruGet')
console.log(
  `  awaited kit.get ${us('kitGet')} vs awaited LRUCache.get (ttl): ${kitRatio.toFixed(2)}x; target >= 0.5x ${kitRatio >= 0.5 ? 'PASS' : 'MISS'}`,
)
await kit.close()
