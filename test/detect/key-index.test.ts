import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sha256Hash } from '../../src/detect/hash.js'
import { KeyIndex } from '../../src/detect/key-index.js'

const key = (n: number) => sha256Hash.digest(`k${n}`)

// An index whose entries use their key number as session slot, with the moves it reports
// applied to `ids` (as a session's ring would follow them).
function tracked(capacity?: number): { index: KeyIndex; ids: Map<number, number> } {
  const ids = new Map<number, number>()
  const index = new KeyIndex((slot, _ring, position) => ids.set(slot, position), capacity)
  return { index, ids }
}

describe('KeyIndex (typed-array hash table of chain keys)', () => {
  it('finds what was inserted, with its fields, and forgets what was removed', () => {
    const { index } = tracked()
    const a = index.insert(key(1), 3, 7, 12, 5)
    expect(index.find(key(1))).toBe(a)
    expect([index.slot(a), index.pos(a), index.tag(a), index.ring(a)]).toEqual([3, 7, 12, 5])
    expect(index.find(key(2))).toBe(-1)
    index.set(a, 4, 8, 0, 1)
    expect([index.slot(a), index.pos(a), index.tag(a), index.ring(a)]).toEqual([4, 8, 0, 1])
    index.remove(a)
    expect(index.find(key(1))).toBe(-1)
    expect(index.size).toBe(0)
  })

  it('agrees with a Map through random inserts and removes (probe runs, wrap-around, growth)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3_000 })), { maxLength: 4_000 }),
        (ops) => {
          const { index, ids } = tracked(16)
          for (const [add, k] of ops) {
            const id = ids.get(k)
            if (add && id === undefined) ids.set(k, index.insert(key(k), k, k + 1, 0, 0))
            else if (!add && id !== undefined) {
              index.remove(id)
              ids.delete(k)
            }
          }
          expect(index.size).toBe(ids.size)
          const two = new Int32Array(2)
          for (let k = 0; k <= 3_000; k += 7) {
            const id = index.find(key(k))
            expect(id).toBe(ids.get(k) ?? -1)
            if (id >= 0) expect([index.slot(id), index.pos(id)]).toEqual([k, k + 1])
            index.findTwo(key(k), key(k + 3), two)
            expect([...two]).toEqual([id, ids.get(k + 3) ?? -1])
          }
        },
      ),
      { numRuns: 30 },
    )
  })

  it('reports every move, so each key stays findable where its owner thinks it is', () => {
    const { index, ids } = tracked()
    for (let round = 0; round < 5; round++) {
      for (let k = round * 5_000; k < round * 5_000 + 10_000; k++)
        if (!ids.has(k)) ids.set(k, index.insert(key(k), k, k, 0, 0))
      for (let k = round * 5_000; k < round * 5_000 + 5_000; k++) {
        index.remove(ids.get(k)!)
        ids.delete(k)
      }
    }
    expect(index.size).toBe(ids.size)
    for (const [k, id] of ids) {
      expect(index.find(key(k))).toBe(id)
      expect(index.slot(id)).toBe(k)
    }
  })
})
