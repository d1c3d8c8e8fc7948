// The facade on Redis: round trips of each facade call (counted at the client interface), and
// throughput of a mix of facade calls as a ratio to raw ioredis sending the equivalent commands
// (one MULTI per write, one HGETALL or LRANGE per read) in the same run. Target: ratio >= 0.7.
// Starts its own redis-server on a free 127.0.0.1 port; skips with a notice when there is none.
import { Redis } from 'ioredis'
import { createSessionKit } from '../src/kit.js'
import { createRedisStore, fromIoredis } from '../src/redis/index.js'
import { countingClient } from '../test/helpers/counting-client.js'
import { redisServerAvailable, startRedisServer } from '../test/integration/redis-harness.js'

const TARGET = 0.7
const SESSIONS = 200
const ROUNDS = 7
const IDLE_MS = 30 * 60_000

if (!redisServerAvailable()) {
  console.log('REDIS BENCHMARK SKIPPED: redis-server not found on PATH (apt-get install -y redis-server)')
  process.exit(0)
}

const server = await startRedisServer()
const raw = new Redis({ host: '127.0.0.1', port: server.port })
const counter = countingClient(fromIoredis(raw))
const kit = createSessionKit({
  // A loaded machine can stall a call for seconds: the benchmark measures, it must not fail over.
  store: createRedisStore({ client: counter.client, prefix: 'bench', commandTimeoutMs: 60_000 }),
  ttl: { idleMs: IDLE_MS },
})
const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => kit.create()))
const line = (i: number) => ({ sku: `SKU-${i % 20}`, name: 'Tee', unitPrice: 1999, quantity: 1 })

// Each facade call of the mix, and what a hand-rolled client would send for the same effect.
type Op = (i: number) => Promise<unknown>
const message = (i: number) => ({ role: 'user' as const, content: `Any 2BHK in Whitefield under ${i}?` })
const shown = (i: number) => [`item-${i % 97}`, `item-${(i + 1) % 97}`, `item-${(i + 2) % 97}`]
const facade: Record<string, Op> = {
  get: (i) => kit.get(sessions[i % SESSIONS]!.id),
  touch: (i) => sessions[i % SESSIONS]!.touch(),
  append: (i) => sessions[i % SESSIONS]!.history.append(message(i)),
  mark: (i) => sessions[i % SESSIONS]!.seen.mark(shown(i)),
  view: (i) => sessions[i % SESSIONS]!.seen.view(),
  'cart add': (i) => sessions[i % SESSIONS]!.cart.add(line(i)),
}
const header = (i: number) => `{bench:${sessions[i % SESSIONS]!.id}}`
const rawOps: Record<string, Op> = {
  get: async (i) => {
    const fields = await raw.hgetall(header(i))
    for (const key of Object.keys(fields)) if (key.startsWith('d:')) JSON.parse(fields[key]!)
  },
  touch: (i) =>
    raw
      .multi()
      .hset(header(i), 'e', Date.now() + IDLE_MS)
      .pexpire(header(i), IDLE_MS)
      .pexpire(`${header(i)}:cart`, IDLE_MS)
      .exec(),
  append: (i) => {
    const log = `${header(i)}:history`
    return raw
      .multi()
      .rpush(log, JSON.stringify({ id: crypto.randomUUID(), createdAt: Date.now(), ...message(i) }))
      .ltrim(log, -500, -1)
      .hincrby(header(i), 's:history', 1)
      .hset(header(i), 'e', Date.now() + IDLE_MS)
      .pexpire(header(i), IDLE_MS)
      .pexpire(log, IDLE_MS)
      .exec()
  },
  mark: (i) => {
    const seen = `${header(i)}:seen`
    return raw
      .multi()
      .rpush(seen, JSON.stringify({ at: Date.now(), ids: shown(i) }))
      .ltrim(seen, -64, -1)
      .hincrby(header(i), 's:seen', 1)
      .hset(header(i), 'e', Date.now() + IDLE_MS)
      .pexpire(header(i), IDLE_MS)
      .pexpire(seen, IDLE_MS)
      .exec()
  },
  view: async (i) => {
    for (const entry of await raw.lrange(`${header(i)}:seen`, 0, -1)) JSON.parse(entry)
  },
  'cart add': (i) => {
    const l = line(i)
    const cart = `${header(i)}:cart`
    return raw
      .multi()
      .hset(cart, `l:${l.sku}`, JSON.stringify({ sku: l.sku, name: l.name, unitPrice: l.unitPrice }))
      .hsetnx(cart, `a:${l.sku}`, Date.now())
      .hincrby(cart, `q:${l.sku}`, l.quantity)
      .hset(header(i), 'e', Date.now() + IDLE_MS)
      .pexpire(header(i), IDLE_MS)
      .pexpire(cart, IDLE_MS)
      .exec()
  },
}

let failed = false
// Round trips: after one warm-up call (the first call of a script on a server may add one EVAL).
console.log('round trips per facade call (scripts and plain reads sent through the client interface):')
for (const [name, op] of Object.entries(facade)) {
  await op(0)
  counter.reset()
  await op(1)
  console.log(
    `  ${name.padEnd(10)} ${counter.calls()}  ${counter.calls() === 1 ? 'PASS' : 'MISS'} (target 1)`,
  )
}

// A session with a user also keeps seen items at the user level: one script per record, sent together.
const withUser = await kit.create({ userId: 'bench-user' })
for (const [name, op] of Object.entries({
  mark: () => withUser.seen.mark(shown(0)),
  view: () => withUser.seen.view(),
})) {
  await op()
  counter.reset()
  await op()
  console.log(
    `  ${name} (session with a user): ${counter.calls()} scripts, ${counter.mostAtOnce()} at once ` +
      `(one per record: session and user), one round-trip time`,
  )
}

const names = Object.keys(facade)
async function round(ops: Record<string, Op>, inFlight: number): Promise<number> {
  // Long enough rounds at each concurrency (about half a second) that timer noise stays small.
  const OPS_PER_ROUND = inFlight === 1 ? 4000 : 16_000
  let next = 0
  const started = performance.now()
  const lane = async () => {
    for (let i = next++; i < OPS_PER_ROUND; i = next++) await ops[names[i % names.length]!]!(i)
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  return OPS_PER_ROUND / ((performance.now() - started) / 1000)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const inFlight of [1, 16]) {
  await round(facade, inFlight)
  await round(rawOps, inFlight)
  const ours: number[] = []
  const base: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, so drift on a shared machine hits both sides alike.
    ours.push(await round(facade, inFlight))
    base.push(await round(rawOps, inFlight))
  }
  const ratio = median(ours) / median(base)
  const verdict = ratio >= TARGET ? 'PASS' : 'MISS'
  if (ratio < TARGET) failed = true
  console.log(
    `mix (${names.join(', ')}), ${inFlight} in flight: facade ${Math.round(median(ours))} ops/s, ` +
      `raw ioredis ${Math.round(median(base))} ops/s, ratio ${ratio.toFixed(2)}x  ${verdict} (target >= ${TARGET}x)`,
  )
}

await kit.close()
raw.disconnect()
await server.stop()
if (failed) process.exitCode = 1
