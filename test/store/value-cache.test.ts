import { describe, expect, it } from 'vitest'
import { createValueCache } from '../../src/store/value-cache.js'

describe('the value cache of the Redis store', () => {
  it('keeps the newest records within its byte budget and drops the oldest first', () => {
    const cache = createValueCache(10_000)
    const text = 'x'.repeat(900)
    for (let i = 0; i < 20; i++) cache.set(`{sk:r${i}}`, 'p', text)
    // About 1.9 KB per entry: five fit.
    const kept = Array.from({ length: 20 }, (_, i) => cache.entry(`{sk:r${i}}`, 'p')?.text !== undefined)
    expect(kept.filter(Boolean)).toHaveLength(5)
    expect(kept.slice(15)).toEqual([true, true, true, true, true])
  })

  it('a write makes its record the newest', () => {
    const cache = createValueCache(10_000)
    for (let i = 0; i < 5; i++) cache.set(`{sk:r${i}}`, 'p', 'x'.repeat(900))
    cache.set('{sk:r0}', 'q', '1')
    cache.set('{sk:r5}', 'p', 'x'.repeat(900))
    expect(cache.entry('{sk:r0}', 'p')?.text).toBeDefined()
    expect(cache.entry('{sk:r1}', 'p')?.text).toBeUndefined()
  })

  it('forgets a part, or every part of a record (delete, rename: nothing of an erased record stays)', () => {
    const cache = createValueCache(100_000)
    cache.set('{sk:a}', 'p', '{"secret":1}')
    cache.set('{sk:a}', 'q', '{"secret":2}')
    cache.set('{sk:ab}', 'p', '{"other":1}')
    cache.delete('{sk:a}', 'q')
    expect(cache.entry('{sk:a}', 'q')?.text).toBeUndefined()
    cache.deleteRecord('{sk:a}')
    expect(cache.entry('{sk:a}', 'p')?.text).toBeUndefined()
    expect(cache.entry('{sk:ab}', 'p')?.text).toBe('{"other":1}')
  })

  it('keeps nothing with a budget of 0, and never one text past a quarter of the budget', () => {
    const none = createValueCache(0)
    none.set('{sk:a}', 'p', '{}')
    expect(none.entry('{sk:a}', 'p')?.text).toBeUndefined()
    const small = createValueCache(4_000)
    small.set('{sk:a}', 'p', 'x'.repeat(1_000))
    expect(small.entry('{sk:a}', 'p')?.text).toBeUndefined()
    small.set('{sk:a}', 'p', 'x'.repeat(400))
    expect(small.entry('{sk:a}', 'p')?.text).toHaveLength(400)
  })
})
