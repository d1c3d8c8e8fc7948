// kit.stats() on Redis at 100,000 sessions: before, `active` came from count() (SCAN of every
// master, then one liveness call per record found); now from estimateCount() (the live-record
// counters the scripts keep: one call on a single server, one per slot on a Cluster). Prints the
// time of each, median of rounds, and the ratio (count() time / estimateCount() time, higher is
// better), on one server and on a 3-master Cluster. Starts its own servers on 127.0.0.1; skips
// with a notice when redis-server is missing.
import { Cluster, Redis } from 'ioredis'
import { createSessionId } from '../src/ids.js'
import { createSessionKit } from '../src/kit.js'
import { createRedisStore, fromIoredis, type RedisStore } from '../src/redis/index.js'
import {
  redisServerAvailable,
  startRedisCluster,
  startRedisServer,
} from '../test/integration/redis-harness.js'

const SESSIONS = Number(process.env.SESSIONS ?? 100_000)
const ROUNDS = 3

if (!redisServerAvailable()) {
  console.log('REDIS BENCHMARK SKIPPED: redis-server not found on PATH (apt-get install -y redis-server)')
  process.exit(0)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function fill(store: RedisStore): Promise<void> {
  const expiresAt = Date.now() + 3_600_000
  for (let i = 0; i < SESSIONS; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, SESSIONS - i) }, () =>
        store.create(createSessionId(), { expiresAt }),
      ),
    )
  }
}

async function ms(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await work()
  return Number(process.hrtime.bigint() - start) / 1e6
}

async function compare(label: string, store: RedisStore): Promise<void> {
  await fill(store)
  const kit = createSessionKit({ store })
  const scanned: number[] = []
  const counted: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    scanned.push(await ms(() => Promise.all([store.count(), store.count({ prefix: 'user:' })])))
    counted.push(await ms(() => kit.stats()))
  }
  const active = (await kit.stats()).active
  console.log(
    `  ${label.padEnd(22)} ${SESSIONS} sessions (stats says ${active}): count() by scan ${median(scanned).toFixed(0)} ms, kit.stats() from counters ${median(counted).toFixed(1)} ms: ${(median(scanned) / median(counted)).toFixed(1)}x faster`,
  )
}

console.log(`kit.stats() at ${SESSIONS} sessions, before (scan) and after (counters)`)
const server = await startRedisServer()
const redis = new Redis({ host: '127.0.0.1', port: server.port })
await compare('one server', createRedisStore({ client: fromIoredis(redis), prefix: 'stats' }))
redis.disconnect()
await server.stop()

const cluster = await startRedisCluster()
const client = new Cluster([...cluster.nodes])
await new Promise((resolve) => client.once('ready', resolve))
await compare('3-master Cluster', createRedisStore({ client: fromIoredis(client), prefix: 'stats' }))
client.disconnect()
await cluster.stop()
