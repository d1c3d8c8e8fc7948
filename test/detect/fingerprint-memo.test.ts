import { describe, expect, it } from 'vitest'
import { FingerprintMemo } from '../../src/detect/fingerprint-memo.js'

const key = (i: number) => `key-${String(i).padStart(12, '0')}`
const fps = (count: number, tag: number) =>
  Array.from({ length: count }, (_, j) => `fp-${tag}-${j}`.padEnd(16, '.'))

describe('FingerprintMemo', () => {
  it('answers what it kept, by chain key', () => {
    const memo = new FingerprintMemo(100)
    memo.set(key(1), fps(3, 1))
    expect(memo.get(key(1))).toEqual(fps(3, 1))
    expect(memo.get(key(2))).toBeUndefined()
  })

  it('holds at most its budget of fingerprints, dropping the oldest lists first', () => {
    const memo = new FingerprintMemo(50)
    for (let i = 0; i < 40; i++) memo.set(key(i), fps(16, i))
    // 3 lists of 16 fit in 50: the last three kept.
    const kept = Array.from({ length: 40 }, (_, i) => memo.get(key(i)) !== undefined)
    expect(kept.filter(Boolean)).toHaveLength(3)
    expect(kept.slice(37)).toEqual([true, true, true])
  })

  it('keeps neither empty lists nor lists over its whole budget, and never replaces a list', () => {
    const memo = new FingerprintMemo(10)
    memo.set(key(1), [])
    memo.set(key(2), fps(11, 2))
    expect(memo.get(key(1))).toBeUndefined()
    expect(memo.get(key(2))).toBeUndefined()
    memo.set(key(3), fps(2, 3))
    memo.set(key(3), fps(2, 4))
    expect(memo.get(key(3))).toEqual(fps(2, 3))
  })
})
