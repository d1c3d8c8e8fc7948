// The memory store beside what an in-process service would use instead: heap per session (empty,
// and typical: a user id in the header and a ~200-byte preferences value), each session read once
// after it is written, against lru-cache (an entry with ttl holding the same data) and
// express-session's MemoryStore (which keeps each session as JSON text); then the latency of a small
// write and a read, against `LRUCache.set`/`get` with ttl, and an awaited `kit.get` against an
// awaited `LRUCache.get` (lib/kit-get.ts, which kit.bench.ts prints too). Ratios in the same run;
// medians of interleaved rounds, latency in CPU time per call (what other processes on a shared
// machine distort least). Targets: heap per empty session <= 1.2x lru-cache's; a small write <= 6x
// a read of the same store; awaited `kit.get` >= 0.5x an awaited `LRUCache.get`.
import { MemoryStore as ExpressMemoryStore } from 'express-session'
import { LRUCache } from 'lru-cache'
import { createSessionId } from '../src/ids.js'
import { createMemoryStore } from '../src/store/memory.js'
import { reportKitGet } from './lib/kit-get.js'
import { cpuMicrosPerOp } from './lib/measure.js'

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

// Latency, awaited one by one over 10,000 live sessions, in CPU time per call.
const N = 10_000
const OPS = 200_000
const store = createMemoryStore({ maxSessions: N * 2, sweepIntervalMs: 0 })
const cache = new LRUCache<string, object>({ max: N * 2, ttl: HOUR })
const ids: string[] = []
for (let i = 0; i < N; i++) {
  const id = createSessionId()
  await store.create(id, { expiresAt: Date.now() + HOUR })
  await store.setValue(id, 'state', { step: 0 })
  ids.push(id)
  cache.set(id, { step: 0 })
}
const us = await cpuMicrosPerOp(
  {
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
  },
  OPS,
)
const u = (name: string) => us[name] as number
const f = (name: string) => `${u(name).toFixed(3)} us`
const writeRead = u('setValue') / u('getValue')
console.log(`latency, awaited one by one, ${N} sessions, CPU time per call, median of 7 rounds of ${OPS}`)
console.log(
  `  small write (setValue) ${f('setValue')} vs read (getValue) ${f('getValue')}: a write costs ${writeRead.toFixed(1)}x a read; target <= 6x ${writeRead <= 6 ? 'PASS' : 'MISS'}`,
)
console.log(
  `  setValue vs await LRUCache.set (ttl) ${f('lruSet')}: ${(u('lruSet') / u('setValue')).toFixed(2)}x; getValue vs await LRUCache.get ${f('lruGet')}: ${(u('lruGet') / u('getValue')).toFixed(2)}x`,
)
process.stdout.write('  ')
await reportKitGet(N, OPS)
await store.close()
