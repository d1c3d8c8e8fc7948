import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { SessionStore } from '../../src/store/contract.js'
import { runProcesses } from './processes.js'

const worker = join(import.meta.dirname, 'fixtures/store-worker.ts')
const PROCESSES = 4
const PER_PROCESS = 1000
// Four Node processes start (tsx compiles on the way) and send 4,000 calls to one record: seconds
// on a quiet machine, much more on a loaded one.
const TIMEOUT_MS = 180_000

interface Summary {
  readonly pid: number
  readonly failures: readonly string[]
}

/** Starts `PROCESSES` workers on the session, releases them together, and resolves their summaries. */
function runWorkers(target: readonly string[], sessionId: string, mode: string): Promise<Summary[]> {
  return runProcesses<Summary>(worker, [...target, sessionId, mode, String(PER_PROCESS)], PROCESSES)
}

/**
 * The checks of four processes on one session, for a store shared across processes: `store()`
 * makes this process's store (after the suite's own `beforeAll` hooks), and `target` the worker's
 * arguments that reach the same data (`['redis', port, prefix]`, `['postgres', url, schema]`).
 */
export function multiprocessChecks(store: () => SessionStore, target: () => readonly string[]): void {
  let kit: SessionKit
  beforeAll(() => {
    kit = createSessionKit({ store: store(), history: { maxMessages: 10_000 } })
  })
  afterAll(async () => {
    await kit.close()
  })

  it(
    '1,000 state.update(n => n + 1) in each of 4 processes end at exactly 4,000',
    async () => {
      const session = await kit.create()
      const summaries = await runWorkers(target(), session.id, 'state')
      expect(summaries.flatMap((s) => s.failures)).toEqual([])
      expect(new Set(summaries.map((s) => s.pid)).size).toBe(PROCESSES)
      expect(await session.state.get()).toBe(PROCESSES * PER_PROCESS)
    },
    TIMEOUT_MS,
  )

  it(
    '1,000 appends (each retried once) in each of 4 processes leave 4,000 messages, consecutive seqs, no duplicates',
    async () => {
      const session = await kit.create()
      const summaries = await runWorkers(target(), session.id, 'history')
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
    },
    TIMEOUT_MS,
  )
}
