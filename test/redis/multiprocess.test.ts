import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import { createRedisStore } from '../../src/redis/index.js'
import { runProcesses } from '../helpers/processes.js'
import { connectIoredis, redisPort, uniquePrefix, useConnection } from '../helpers/redis-clients.js'

const worker = join(import.meta.dirname, 'fixtures/worker.ts')
const PROCESSES = 4
const PER_PROCESS = 1000
// Each test: four processes, 4,000 calls with retries; 20 to 30 s on a busy 2-core machine.

interface Summary {
  readonly pid: number
  readonly failures: readonly string[]
}

/** Starts `PROCESSES` workers on the session, releases them together, and resolves their summaries. */
function runWorkers(prefix: string, sessionId: string, mode: string): Promise<Summary[]> {
  return runProcesses<Summary>(
    worker,
    [String(redisPort), prefix, sessionId, mode, String(PER_PROCESS)],
    PROCESSES,
  )
}

describe.runIf(redisPort !== undefined)('four processes on one Redis session', () => {
  const connection = useConnection(connectIoredis)
  let kit: SessionKit
  const prefix = uniquePrefix()
  beforeAll(async () => {
    kit = createSessionKit({
      store: createRedisStore({ client: connection.client, prefix }),
      history: { maxMessages: 10_000 },
    })
  })
  afterAll(async () => {
    await kit.close()
  })

  it('1,000 state.update(n => n + 1) in each of 4 processes end at exactly 4,000', async () => {
    const session = await kit.create()
    const summaries = await runWorkers(prefix, session.id, 'state')
    expect(summaries.flatMap((s) => s.failures)).toEqual([])
    expect(new Set(summaries.map((s) => s.pid)).size).toBe(PROCESSES)
    expect(await session.state.get()).toBe(PROCESSES * PER_PROCESS)
  }, 120_000)

  it('1,000 appends (each retried once) in each of 4 processes leave 4,000 messages, consecutive seqs, no duplicates', async () => {
    const session = await kit.create()
    const summaries = await runWorkers(prefix, session.id, 'history')
    expect(summaries.flatMap((s) => s.failures)).toEqual([])
    const messages = []
    for (let after = 0; ; ) {
      const page = await session.history.list({ after, limit: 1000 })
      messages.push(...page.messages)
      if (page.nextAfter === undefined) break
      after = page.nextAfter
    }
    expect(messages).toHaveLength(PROCESSES * PER_PROCESS)
    expect(messages.map((m) => m.seq)).toEqual(
      Array.from({ length: PROCESSES * PER_PROCESS }, (_, i) => i + 1),
    )
    const contents = messages.map((m) => String(m.content))
    expect(new Set(contents).size).toBe(PROCESSES * PER_PROCESS)
    // Each process's messages landed whole and in the order it sent them.
    for (const { pid } of summaries) {
      const mine = contents.filter((c) => c.startsWith(`${pid}:`))
      expect(mine).toEqual(Array.from({ length: PER_PROCESS }, (_, i) => `${pid}:${i}`))
    }
  }, 120_000)
})
