import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lastJsonLine, runTsChild } from '../helpers/child.js'
import { slowTestSkipped, slowTestsEnabled } from '../helpers/slow.js'

// A hostile client writes maximum-size messages, state, cache entries, preferences and cart lines
// into fresh sessions of a default kit, logging in and rotating each (renames, tombstones, merge
// patches, touching reads), twice as much as the heap holds, in a child process with a
// 256 MB heap. The kit must stay within its byte budget and the process alive. The child also
// checks, shape by shape, that the store's byte estimate is at least the heap a value takes.
// Slow (about a minute of CPU): runs with SESSIONKIT_SLOW_TESTS=1 (CI's Node 20 pass).

const fixture = fileURLToPath(new URL('./fixtures/hostile-client.ts', import.meta.url))

interface Report {
  readonly ratios: Record<string, number>
  readonly budget: number
  readonly maxStoreBytes: number
  readonly maxHeap: number
  readonly heapLimit: number
  readonly written: number
  readonly evicted: number
  readonly held: number
}

describe('a hostile client against the default kit in a 256 MB heap', () => {
  if (!slowTestsEnabled) {
    slowTestSkipped('hostile client in a 256 MB heap')
    it.skip('stays within its byte budget')
    return
  }

  it('never pushes the kit past its byte budget, and the process lives', async () => {
    const { code, stdout, stderr } = await runTsChild(fixture, ['--max-old-space-size=256', '--expose-gc'])
    expect(code, stderr).toBe(0)
    const report = lastJsonLine<Report>(stdout)
    expect(report).toBeDefined()
    const r = report!
    // The default budget is a quarter of the heap limit, and the store never held more.
    expect(r.budget).toBe(Math.floor(r.heapLimit / 4))
    expect(r.maxStoreBytes).toBeLessThanOrEqual(r.budget)
    expect(r.written).toBeGreaterThan(2 * r.heapLimit)
    expect(r.evicted).toBeGreaterThan(100)
    expect(r.maxHeap).toBeLessThan(r.heapLimit / 2)
    // For every shape, the heap a stored value takes is at most what the store counts for it.
    for (const [shape, ratio] of Object.entries(r.ratios)) expect(ratio, shape).toBeLessThanOrEqual(1)
  }, 600_000)
})
