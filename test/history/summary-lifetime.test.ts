import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createSessionKit } from '../../src/kit.js'

const fixture = fileURLToPath(new URL('./fixtures/pending-summary.ts', import.meta.url))
const root = fileURLToPath(new URL('../..', import.meta.url))

describe('a pending summary', () => {
  it('keeps the process alive until the time limit, then the fallback is stored and it exits 0', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', fixture], { cwd: root, encoding: 'utf8' })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout.trim())).toEqual({
      source: 'extractive',
      summaries: { calls: 1, failures: 1, timeouts: 1 },
    })
  }, 60_000)

  it('kit.stats() counts summariser calls, failures and timeouts', async () => {
    let n = 0
    const kit = createSessionKit({
      history: {
        maxMessages: 4,
        summarizeTimeoutMs: 50,
        summarize: () => {
          n++
          if (n === 1) return 'a summary'
          if (n === 2) throw new Error('model down')
          return new Promise<string>(() => undefined)
        },
      },
    })
    const s = await kit.create()
    for (let i = 0; i < 10; i++) await s.history.append({ role: 'user', content: `message ${i}` })
    const { summaries } = await kit.stats()
    expect(summaries.calls).toBeGreaterThanOrEqual(3)
    expect(summaries).toMatchObject({ failures: summaries.calls - 1, timeouts: summaries.calls - 2 })
    await kit.close()
  })
})
