// The memory store's hot calls against raw lru-cache doing the same work in the same run.
// How it is measured: explicit loops (no shared helper, so no megamorphic call site flatters
// either side), 10,000 live records, rounds interleaved ours/raw, the median of 7 rounds.
// The store's API is async, so every call a service makes is awaited; the target compares
// `await store.meta(id)` with `await lru.get(id)` (same await on both sides, the store's own cost
// is what differs). The ratio to a raw *synchronous* get is printed too: there the ~50 ns an
// await costs in Node is counted against the store.
// Memory: heap bytes per empty record at 200,000 records (ids made inside the window, gc before
// and after), against a raw LRUCache entry; and a child process with a 1 GiB heap that must hold
// 1,000,000 records.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LRUCache } from 'lru-cache'
import { createSessionId } from '../src/ids.js'
import { createMemoryStore, type MemoryStore } from '../src/store/memory.js'

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
const HOUR = 3_600_000

if (process.argv.includes('--million')) {
  const n = 1_000_000
  const store = createMemoryStore({ maxSessions: n })
  const expiresAt = Date.now() + HOUR
  for (let i = 0; i < n; i++) await store.create(createSessionId(), { expiresAt })
  gc()
  const heap = process.memoryUsage().heapUsed
  console.log(
    `child: ${store.size} records, heap ${(heap / 2 ** 20).toFixed(0)} MiB (${(heap / n).toFixed(0)} B/record)`,
  )
  process.exit(store.size === n ? 0 : 1)
}

const N = 10_000
const OPS = 400_000
const ids = Array.from({ length: N }, () => createSessionId())
const store = createMemoryStore({ maxSessions: 100_000 })
const lru = new LRUCache<string, { createdAt: number; data: object; list?: unknown[] }>({
  max: 100_000,
  ttl: HOUR,
})
const expiresAt = Date.now() + HOUR
for (const id of ids) {
  await store.create(id, { expiresAt })
  lru.set(id, { createdAt: Date.now(), data: {} })
}

type Case = () => Promise<number> | number
const cases: Record<string, Case> = {
  rawGetSync: () => {
    let hits = 0
    for (let i = 0; i < OPS; i++) if (lru.get(ids[i % N]!) !== undefined) hits++
    return hits
  },
  rawGetAwait: async () => {
    let hits = 0
    for (let i = 0; i < OPS; i++) if ((await lru.get(ids[i % N]!)) !== undefined) hits++
    return hits
  },
  meta: async () => {
    let hits = 0
    for (let i = 0; i < OPS; i++) if ((await store.meta(ids[i % N]!)) !== undefined) hits++
    return hits
  },
  metaCallOnly: () => {
    let calls = 0
    for (let i = 0; i < OPS; i++) if (store.meta(ids[i % N]!) !== undefined) calls++
    return calls
  },
  touch: async () => {
    let hits = 0
    for (let i = 0; i < OPS; i++) if (await store.touch(ids[i % N]!, expiresAt + i)) hits++
    return hits
  },
  rawSetAwait: async () => {
    for (let i = 0; i < OPS / 4; i++)
      await lru.set(ids[i % N]!, { createdAt: i, data: { step: i, tags: ['a'] } }, { ttl: HOUR })
    return OPS / 4
  },
  setValue: async () => {
    for (let i = 0; i < OPS / 4; i++) await store.setValue(ids[i % N]!, 'state', { step: i, tags: ['a'] })
    return OPS / 4
  },
  rawPushAwait: async () => {
    for (let i = 0; i < OPS / 4; i++) {
      const entry = await lru.get(ids[i % N]!)!
      entry.list ??= []
      entry.list.push({ role: 'user', text: 'hello', i })
      if (entry.list.length > 50) entry.list.shift()
    }
    return OPS / 4
  },
  push: async () => {
    for (let i = 0; i < OPS / 4; i++)
      await store.push(ids[i % N]!, 'log', [{ role: 'user', text: 'hello', i }], { max: 50 })
    return OPS / 4
  },
}

const rates: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]))
for (let round = 0; round < 8; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const t0 = performance.now()
    const ops = await run()
    const seconds = (performance.now() - t0) / 1000
    // Round 0 only warms up the code paths.
    if (round > 0) rates[name]?.push(ops / seconds)
  }
}
const median = (name: string): number => {
  const sorted = [...(rates[name] ?? [])].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const mops = (n: number): string => `${(n / 1e6).toFixed(2)} M/s`

function line(what: string, ours: string, raw: string, target?: number): boolean {
  const ratio = median(ours) / median(raw)
  const verdict = target === undefined ? '(no target)' : ratio >= target ? 'PASS' : 'MISS'
  const goal = target === undefined ? '' : ` target >= ${target}x`
  console.log(
    `${what.padEnd(50)} ${mops(median(ours)).padStart(10)} vs ${mops(median(raw)).padStart(10)}  ${ratio.toFixed(2)}x${goal} ${verdict}`,
  )
  return target === undefined || ratio >= target
}

console.log(
  `calls awaited one by one, ${N} records, median of 7 rounds of ${OPS} (setValue/push: ${OPS / 4})`,
)
let ok = line('meta vs await LRUCache.get (ttl)', 'meta', 'rawGetAwait', 0.5)
ok = line('touch vs await LRUCache.get (ttl)', 'touch', 'rawGetAwait', 0.5) && ok
line('meta vs sync LRUCache.get (ttl) [info]', 'meta', 'rawGetSync')
line('touch vs sync LRUCache.get (ttl) [info]', 'touch', 'rawGetSync')
line('meta call, promise not awaited, vs sync get [info]', 'metaCallOnly', 'rawGetSync')
line('setValue vs await LRUCache.set (ttl)', 'setValue', 'rawSetAwait')
line('push (max 50) vs await get + array push', 'push', 'rawPushAwait')
await store.close()

// Heap per empty record at 200,000 records, ours and a raw LRUCache with ttl holding a small header.
const M = 200_000
function heapPer(fill: () => Promise<unknown>): Promise<number> {
  gc()
  const before = process.memoryUsage().heapUsed
  return fill().then(() => {
    gc()
    return (process.memoryUsage().heapUsed - before) / M
  })
}
let held: MemoryStore | undefined
const ourBytes = await heapPer(async () => {
  held = createMemoryStore({ maxSessions: M })
  for (let i = 0; i < M; i++) await held.create(createSessionId(), { expiresAt })
})
await held?.close()
held = undefined
let rawHeld: LRUCache<string, object> | undefined
const rawBytes = await heapPer(async () => {
  rawHeld = new LRUCache<string, object>({ max: M, ttl: HOUR })
  for (let i = 0; i < M; i++) rawHeld.set(createSessionId(), { createdAt: Date.now(), expiresAt, data: {} })
})
rawHeld?.clear()
const heapOk = ourBytes <= 400
console.log(
  `heap per empty record at ${M}: ${ourBytes.toFixed(0)} B vs raw LRUCache entry ${rawBytes.toFixed(0)} B (${(ourBytes / rawBytes).toFixed(2)}x); target <= 400 B ${heapOk ? 'PASS' : 'MISS'}`,
)

const child = spawnSync(
  process.execPath,
  [
    '--expose-gc',
    '--max-old-space-size=1024',
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--million',
  ],
  { encoding: 'utf8' },
)
const millionOk = child.status === 0
process.stdout.write(child.stdout)
console.log(
  `1,000,000 records in a 1 GiB heap: ${millionOk ? 'PASS' : `MISS (${child.stderr.split('\n').slice(-4).join(' ')})`}`,
)
if (!(ok && heapOk && millionOk)) process.exitCode = 1
