import { MINUTE, type StoreCheck } from './suite-types.js'

const seqs = (entries: readonly { readonly seq: number }[]): number[] => entries.map((e) => e.seq)

/** Checks of list parts: sequencing, caps, concurrency, idempotency, ranges, counters. */
export const listChecks: readonly StoreCheck[] = [
  {
    name: 'push gives consecutive sequence numbers and range reads entries oldest first',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      const first = await store.push(id('a'), 'log', ['a', 'b'], { max: 10 })
      expect(first).toEqual({ firstSeq: 1, lastSeq: 2, length: 2, dropped: 0, duplicate: false })
      const second = await store.push(id('a'), 'log', [{ c: 3 }], { max: 10 })
      expect(second).toEqual({ firstSeq: 3, lastSeq: 3, length: 3, dropped: 0, duplicate: false })
      expect(await store.range(id('a'), 'log', 0, -1)).toEqual({
        entries: [
          { seq: 1, value: 'a' },
          { seq: 2, value: 'b' },
          { seq: 3, value: { c: 3 } },
        ],
        length: 3,
        lastSeq: 3,
      })
    },
  },
  {
    name: 'push keeps at most max entries, trimming the oldest, and reports dropped',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', [1, 2, 3], { max: 4 })
      const result = await store.push(id('a'), 'log', [4, 5, 6], { max: 4 })
      expect(result).toEqual({ firstSeq: 4, lastSeq: 6, length: 4, dropped: 2, duplicate: false })
      expect(seqs((await store.range(id('a'), 'log', 0, -1)).entries)).toEqual([3, 4, 5, 6])
      const many = await store.push(id('a'), 'log', [7, 8, 9, 10, 11, 12], { max: 4 })
      expect(many).toEqual({ firstSeq: 7, lastSeq: 12, length: 4, dropped: 6, duplicate: false })
      expect((await store.range(id('a'), 'log', 0, -1)).entries.map((e) => e.value)).toEqual([9, 10, 11, 12])
    },
  },
  {
    name: '1,000 concurrent pushes stay exact under the cap',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(10 * MINUTE) })
      const max = 100
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => store.push(id('a'), 'log', [{ i }], { max })),
      )
      const given = results.map((r) => r.firstSeq).sort((a, b) => a - b)
      expect(given).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
      expect(results.every((r) => r.firstSeq === r.lastSeq && r.length <= max)).toBe(true)
      expect(results.reduce((sum, r) => sum + r.dropped, 0)).toBe(1000 - max)
      const range = await store.range(id('a'), 'log', 0, -1)
      expect(range.length).toBe(max)
      expect(range.lastSeq).toBe(1000)
      expect(seqs(range.entries)).toEqual(Array.from({ length: max }, (_, i) => 901 + i))
      const bySeq = new Map(results.map((r) => [r.firstSeq, r]))
      expect(range.entries.every((e) => bySeq.has(e.seq))).toBe(true)
    },
  },
  {
    name: 'a push retried with the same idempotencyKey adds nothing and returns the first seqs',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      const first = await store.push(id('a'), 'log', ['hi', 'there'], { max: 10, idempotencyKey: 'req-1' })
      await store.push(id('a'), 'log', ['other'], { max: 10, idempotencyKey: 'req-2' })
      const retry = await store.push(id('a'), 'log', ['hi', 'there'], { max: 10, idempotencyKey: 'req-1' })
      expect(retry).toEqual({
        firstSeq: first.firstSeq,
        lastSeq: first.lastSeq,
        length: 3,
        dropped: 0,
        duplicate: true,
      })
      const concurrent = await Promise.all(
        [1, 2, 3].map(() => store.push(id('a'), 'log', ['once'], { max: 10, idempotencyKey: 'req-3' })),
      )
      expect(concurrent.filter((r) => !r.duplicate).length).toBe(1)
      expect(new Set(concurrent.map((r) => r.firstSeq)).size).toBe(1)
      expect((await store.range(id('a'), 'log', 0, -1)).length).toBe(4)
    },
  },
  {
    name: 'range takes negative indices counting from the end, like LRANGE',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', [10, 20, 30, 40, 50], { max: 10 })
      const values = async (start: number, stop: number) =>
        (await store.range(id('a'), 'log', start, stop)).entries.map((e) => e.value)
      expect(await values(-2, -1)).toEqual([40, 50])
      expect(await values(0, 1)).toEqual([10, 20])
      expect(await values(1, -2)).toEqual([20, 30, 40])
      expect(await values(-100, 100)).toEqual([10, 20, 30, 40, 50])
      expect(await values(3, 1)).toEqual([])
      expect(await values(7, 9)).toEqual([])
      expect((await store.range(id('a'), 'log', 0, 0)).length).toBe(5)
    },
  },
  {
    name: 'rangeBySeq pages backwards with beforeSeq and forwards with afterSeq',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { max: 8 })
      const page = async (query: {
        afterSeq?: number
        beforeSeq?: number
        limit: number
        newest?: boolean
      }) => seqs((await store.rangeBySeq(id('a'), 'log', query)).entries)
      expect(await page({ limit: 3 })).toEqual([8, 9, 10])
      expect(await page({ limit: 3, beforeSeq: 8 })).toEqual([5, 6, 7])
      expect(await page({ limit: 3, beforeSeq: 5 })).toEqual([3, 4])
      expect(await page({ limit: 3, beforeSeq: 3 })).toEqual([])
      expect(await page({ limit: 3, afterSeq: 0 })).toEqual([3, 4, 5])
      expect(await page({ limit: 3, afterSeq: 5 })).toEqual([6, 7, 8])
      expect(await page({ limit: 3, afterSeq: 9 })).toEqual([10])
      expect(await page({ limit: 2, newest: false })).toEqual([3, 4])
      expect(await page({ limit: 10, afterSeq: 4, beforeSeq: 7 })).toEqual([5, 6])
      const shape = await store.rangeBySeq(id('a'), 'log', { limit: 1 })
      expect([shape.length, shape.lastSeq]).toEqual([8, 10])
    },
  },
  {
    name: 'the sequence counter survives deletePart: seqs are never reused',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', ['a', 'b', 'c'], { max: 10 })
      await store.deletePart(id('a'), 'log')
      const empty = await store.range(id('a'), 'log', 0, -1)
      expect([empty.entries.length, empty.length, empty.lastSeq]).toEqual([0, 0, 3])
      const next = await store.push(id('a'), 'log', ['d'], { max: 10 })
      expect([next.firstSeq, next.length]).toEqual([4, 1])
      expect(await store.range(id('a'), 'log', 0, -1)).toEqual({
        entries: [{ seq: 4, value: 'd' }],
        length: 1,
        lastSeq: 4,
      })
    },
  },
]
