import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EntryPool } from '../../src/limits/entry-pool.js'
import { SlidingLog } from '../../src/limits/sliding-log.js'

type Entry = { seq: number; at: number; cost: number }

const WINDOW = 100

/** What a log must hold, kept the plain way. */
class Model {
  entries: Entry[] = []
  pushed = 0
  take(cost: number, at: number): number {
    const last = this.entries.at(-1)
    if (last?.at === at) {
      last.cost += cost
      return last.seq
    }
    this.entries.push({ seq: ++this.pushed, at, cost })
    return this.pushed
  }
  drop(cutoff: number): void {
    this.entries = this.entries.filter((e) => e.at > cutoff)
  }
}

type Op =
  | { kind: 'take'; log: number; cost: number; burst: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'settle'; log: number; pick: number; to: number }
  | { kind: 'free'; log: number }

const LOGS = 12
const logIndex = fc.nat({ max: LOGS - 1 })
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('take' as const),
      log: logIndex,
      cost: fc.integer({ min: 1, max: 5 }),
      burst: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 60 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      log: logIndex,
      pick: fc.nat(),
      to: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('free' as const), log: logIndex }) },
)

/** Every entry of `log`, oldest first, read through its public figures and `retryAfter`. */
function contents(log: SlidingLog, at: number): { count: number; sum: number; waits: number[] } {
  const waits: number[] = []
  for (let needed = 1; needed <= log.sum; needed++) waits.push(log.retryAfter(needed, WINDOW, at))
  return { count: log.count, sum: log.sum, waits }
}

function expected(model: Model, at: number): { count: number; sum: number; waits: number[] } {
  const sum = model.entries.reduce((s, e) => s + e.cost, 0)
  const waits: number[] = []
  for (let needed = 1; needed <= sum; needed++) {
    let freed = 0
    for (const e of model.entries) {
      freed += e.cost
      if (freed >= needed) {
        waits.push(e.at + WINDOW - at)
        break
      }
    }
  }
  return { count: model.entries.length, sum, waits }
}

describe('sliding logs in a shared entry pool', () => {
  it('keep every log’s entries through growth, shrinking, settles and frees that move other logs’ rings', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const pool = new EntryPool()
        const logs = Array.from({ length: LOGS }, () => new SlidingLog(pool))
        const models = Array.from({ length: LOGS }, () => new Model())
        let now = 1000
        for (const o of ops) {
          if (o.kind === 'advance') {
            now += o.ms
            continue
          }
          const log = logs[o.log]!
          const model = models[o.log]!
          if (o.kind === 'free') {
            log.free()
            logs[o.log] = new SlidingLog(pool)
            models[o.log] = new Model()
            continue
          }
          const at = log.prepare(WINDOW, now)
          model.drop(at - WINDOW)
          if (o.kind === 'take') {
            // Pairs of requests share a millisecond, and so an entry.
            for (let i = 0; i < o.burst; i++) {
              expect(log.take(o.cost, at + (i >> 1))).toBe(model.take(o.cost, at + (i >> 1)))
            }
          } else {
            const entry = model.entries[o.pick % Math.max(1, model.entries.length)]
            if (entry === undefined) continue
            expect(log.settle(entry.seq, entry.at, entry.cost, o.to)).toBe(true)
            // A second settle of the old cost finds the entry holding less (unless it grew).
            if (o.to < entry.cost) expect(log.settle(entry.seq, entry.at, entry.cost, o.to)).toBe(false)
            if (o.to === 0) model.entries.splice(model.entries.indexOf(entry), 1)
            else entry.cost = o.to
          }
        }
        for (let i = 0; i < LOGS; i++) {
          const at = logs[i]!.prepare(WINDOW, now)
          models[i]!.drop(at - WINDOW)
          expect(contents(logs[i]!, at)).toEqual(expected(models[i]!, at))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('gives pages back when logs empty: at most one spare page per ring size', () => {
    const pool = new EntryPool()
    const logs = Array.from({ length: 2000 }, () => new SlidingLog(pool))
    for (const log of logs) for (let i = 0; i < 20; i++) log.take(1, i)
    const full = pool.bytes
    expect(full).toBeGreaterThanOrEqual(2000 * 32 * 24)
    for (const log of logs) log.prepare(WINDOW, 1020)
    // Rings of 2, 8 and 32 entries were used: a spare page of each is left.
    expect(pool.bytes).toBeLessThanOrEqual(3 * 4096)
    expect(logs.every((log) => log.capacity === 0)).toBe(true)
  })
})
