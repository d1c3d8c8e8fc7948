import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { SessionStore } from '../../src/store/contract.js'
import { runProcesses } from './processes.js'

const worker = join(import.meta.dirname, 'fixtures/store-worker.ts')
const PROCESSES = 4
/** Updates and appends each process sends: enough that every one of them meets the others'. */
const PER_PROCESS = 400
// Four Node processes start (tsx compiles on the way) and send 4 x 1,200 calls or more to one
// record: seconds on a quiet machine, a minute on a loaded one.
const TIMEOUT_MS = 180_000

interface Summary {
  readonly pid: number
  readonly failures: readonly string[]
}

/**
 * The check of four processes on one session, for a store shared across processes: `store()`
 * makes this process's store (after the suite's own `beforeAll` hooks), and `target` the worker's
 * arguments that reach the same data (`['redis', port, prefix]`, `['postgres', url, schema]`).
 * One run of the workers does both kinds of work at once (see fixtures/store-worker.ts), so the
 * compare-and-set updates and the appends contend for the record's lock as well as each other's.
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
    `${PER_PROCESS} state.update(n => n + 1) and ${PER_PROCESS} appends (each retried once) in each of ${PROCESSES} processes at once: the count is exact, the messages all there once, seqs consecutive`,
    async () => {
      const session = await kit.create()
      const summaries = await runProcesses<Summary>(
        worker,
        [...target(), session.id, String(PER_PROCESS)],
        PROCESSES,
      )
      expect(summaries.flatMap((s) => s.failures)).toEqual([])
      expect(new Set(summaries.map((s) => s.pid)).size).toBe(PROCESSES)
      expect(await session.state.get()).toBe(PROCESSES * PER_PROCESS)

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
