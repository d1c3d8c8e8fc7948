import { join } from 'node:path'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStore, fromIoredis } from '../../src/redis/index.js'
import { runProcesses } from '../helpers/processes.js'
import { ignoreConnectionErrors, redisClusterNodes, uniquePrefix } from '../helpers/redis-clients.js'
import { type RedisCluster, startRedisCluster } from '../integration/redis-harness.js'

const worker = join(import.meta.dirname, 'fixtures/reshard-worker.ts')
const PROCESSES = 4
const PER_PROCESS = 200
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Summary {
  readonly pid: string
  readonly pushed: readonly string[]
  readonly pushFailed: readonly string[]
  readonly increments: number
  readonly incrementFailed: readonly string[]
  readonly codes: Readonly<Record<string, number>>
}

/**
 * Moves `slot` from `from` to `to` the way `redis-cli --cluster reshard` does: IMPORTING on the
 * target, MIGRATING on the source, MIGRATE one key at a time (with pauses, so calls meet the slot
 * with its keys split between the nodes), then both nodes told the new owner.
 */
async function migrateSlot(slot: number, from: Redis, to: Redis, toPort: number): Promise<number> {
  const [fromId, toId] = await Promise.all([from.cluster('MYID'), to.cluster('MYID')])
  await to.cluster('SETSLOT', slot, 'IMPORTING', fromId)
  await from.cluster('SETSLOT', slot, 'MIGRATING', toId)
  await sleep(50)
  let moved = 0
  for (;;) {
    const keys = (await from.cluster('GETKEYSINSLOT', slot, 1)) as string[]
    if (keys.length === 0) break
    await from.migrate('127.0.0.1', toPort, keys[0]!, 0, 5000)
    moved++
    await sleep(25)
  }
  await sleep(50)
  await to.cluster('SETSLOT', slot, 'NODE', toId)
  await from.cluster('SETSLOT', slot, 'NODE', toId)
  return moved
}

// Its own 3-master Cluster (the fewest `redis-cli --cluster create` makes): moving a slot of the shared one would disturb the other suites.
// About 15 s (writes wait out each migration, TRYAGAIN): four processes, 800 pushes and 800
// increments, the slot moved back and forth. With scripts that touch keys outside KEYS it fails:
// a script aborted half way by the migration reports failure for a push it had already stored.
describe.runIf(redisClusterNodes !== undefined)('Redis store while a Cluster slot migrates', () => {
  let cluster: RedisCluster
  let nodes: Redis[]
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 })
    nodes = cluster.nodes.map((node) => new Redis(node).on('error', ignoreConnectionErrors))
  })
  afterAll(async () => {
    for (const node of nodes ?? []) node.disconnect()
    await cluster?.stop()
  })

  it('four processes writing to the busy session: every write reported done is stored once, none reported failed is', async () => {
    const prefix = uniquePrefix()
    const client = new Cluster([...cluster.nodes]).on('error', ignoreConnectionErrors)
    try {
      await new Promise<void>((resolve) => client.once('ready', resolve))
      const store = createRedisStore({ client: fromIoredis(client), prefix })
      expect(await store.create('busy', { expiresAt: Date.now() + 600_000 })).toBe(true)
      await store.push('busy', 'log', ['start'], { max: 100_000, idempotencyKey: 'start' })
      await store.updateMap('busy', 'counts', { set: { start: 1 } })
      await store.setValue('busy', 'state', { ready: true })

      const slot = Number(await nodes[0]!.cluster('KEYSLOT', `{${prefix}:busy}`))
      // The slot moves between the first two masters: from its first owner to one of them, then back and forth.
      const owner = async () => {
        for (const [i, node] of nodes.slice(0, 2).entries()) {
          const mine = (await node.cluster('COUNTKEYSINSLOT', slot)) as number
          if (mine > 0) return i
        }
        return 2
      }

      let running = true
      let migrations = 0
      let keysMoved = 0
      const mover = (async () => {
        while (running) {
          const from = await owner()
          const to = (from + 1) % 2
          keysMoved += await migrateSlot(slot, nodes[from]!, nodes[to]!, cluster.nodes[to]!.port)
          migrations++
          await sleep(100)
        }
      })()
      const summaries = await runProcesses<Summary>(
        worker,
        [JSON.stringify(cluster.nodes), prefix, 'busy', String(PER_PROCESS)],
        PROCESSES,
      ).finally(() => {
        running = false
      })
      await mover

      // The slot really moved while the processes wrote, with the record's keys split on the way.
      expect(migrations).toBeGreaterThanOrEqual(2)
      expect(keysMoved).toBeGreaterThanOrEqual(2 * 5)

      const log = await store.range<string>('busy', 'log', 0, -1)
      const stored = log.entries.map((entry) => entry.value)
      const done = summaries.flatMap((s) => s.pushed)
      const failed = summaries.flatMap((s) => s.pushFailed)
      // No duplicate, nothing reported done lost, nothing reported failed stored.
      expect(new Set(stored).size).toBe(stored.length)
      expect(stored.slice(1).sort()).toEqual([...done].sort())
      expect(failed.filter((content) => stored.includes(content))).toEqual([])
      expect(done.length + failed.length).toBe(PROCESSES * PER_PROCESS)
      // Seqs stay consecutive across the moves.
      expect(log.entries.map((entry) => entry.seq)).toEqual(stored.map((_, i) => i + 1))

      const counts = await store.getMap<number>('busy', 'counts')
      for (const summary of summaries) expect(counts.entries[summary.pid]).toBe(summary.increments)
      expect((await store.getValue('busy', 'state'))?.value).toEqual({ ready: true })
      // What the failures were, for the report when this fails: only "slot moving" outages.
      for (const summary of summaries) {
        for (const code of Object.keys(summary.codes)) expect(code).toBe('STORE_UNAVAILABLE')
      }
    } finally {
      client.disconnect()
    }
  }, 120_000)
})
