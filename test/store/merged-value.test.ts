import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { JsonValue } from '../../src/store/contract.js'
import { mergeJsonText } from '../../src/store/merge-text.js'
import { createValueCache, mergedValue, mergeOnClient, rememberMerge } from '../../src/store/value-cache.js'
import { deepFreeze } from '../../src/util/deep-freeze.js'
import { jsonObject } from '../helpers/json-objects.js'

// The Redis and Postgres stores return the merged value of a client merge by merging the value
// they returned last (mergedValue) instead of parsing the merged text: the two must never differ,
// in members, values or order.

type JsonObject = Readonly<Record<string, JsonValue>>

const frozen = (value: JsonObject) =>
  deepFreeze(JSON.parse(JSON.stringify(value)) as Record<string, JsonValue>)

function isDeepFrozen(value: JsonValue): boolean {
  if (typeof value !== 'object' || value === null) return true
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen)
}

describe('mergedValue', () => {
  it('equals the parse of the merged text, members in the same order, for any object and patch (500 cases)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (base, patch) => {
        const text = mergeJsonText(JSON.stringify(base), JSON.stringify(patch))
        const merged = mergedValue(frozen(base), JSON.stringify(patch))
        expect(JSON.stringify(merged)).toBe(JSON.stringify(JSON.parse(text)))
        expect(merged).toEqual(JSON.parse(text))
        expect(isDeepFrozen(merged)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('shares the members the patch leaves alone and copies none of the caller’s patch', () => {
    const base = frozen({ keep: { deep: [1, 2] }, change: 1, nested: { a: 1, b: 2 } })
    const patch = { change: { x: 1 }, nested: { b: null, c: [3] }, added: { y: null, z: 1 } }
    const merged = mergedValue(base, JSON.stringify(patch))
    expect(merged).toEqual({
      keep: { deep: [1, 2] },
      change: { x: 1 },
      nested: { a: 1, c: [3] },
      added: { z: 1 },
    })
    expect(merged.keep).toBe(base.keep)
    expect(merged.change).not.toBe(patch.change)
    patch.change.x = 2
    expect(merged.change).toEqual({ x: 1 })
  })

  it('keeps a "__proto__" member as a member, never as the prototype', () => {
    const base = deepFreeze(JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, JsonValue>)
    const merged = mergedValue(base, '{"b":2}')
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.keys(merged)).toEqual(['__proto__', 'a', 'b'])
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined()
  })
})

describe('mergeOnClient and rememberMerge', () => {
  it('merge the texts, and the kept value beside when there is one; parse only a text merged elsewhere', () => {
    const values = createValueCache(100_000)
    expect(mergeOnClient(values, '{sk:a}', 'p', '{"a":1}')).toBeUndefined()
    // The server merged (nothing was kept here): its text is parsed, and kept with its value.
    const first = rememberMerge(values, '{sk:a}', 'p', '{"a":1}')
    expect(first).toEqual({ a: 1 })
    expect(values.entry('{sk:a}', 'p')?.value).toBe(first)
    const fromValue = mergeOnClient(values, '{sk:a}', 'p', '{"b":2,"1":3}')!
    expect(fromValue).toEqual({ base: '{"a":1}', text: '{"a":1,"b":2,"1":3}', value: { 1: 3, a: 1, b: 2 } })
    expect(rememberMerge(values, '{sk:a}', 'p', fromValue)).toBe(fromValue.value)
    expect(isDeepFrozen(fromValue.value!)).toBe(true)
    // A plain text write drops the value kept with the old text: the texts are merged.
    values.set('{sk:a}', 'p', '{"c":3}')
    expect(values.entry('{sk:a}', 'p')?.value).toBeUndefined()
    expect(mergeOnClient(values, '{sk:a}', 'p', '{"d":4}')).toEqual({
      base: '{"c":3}',
      text: '{"c":3,"d":4}',
      value: undefined,
    })
  })

  it('a text kept with its value costs about twice the budget of the text alone', () => {
    const text = `{"x":"${'y'.repeat(900)}"}`
    const plain = createValueCache(20_000)
    const withValues = createValueCache(20_000)
    for (let i = 0; i < 20; i++) {
      plain.set(`{sk:r${i}}`, 'p', text)
      rememberMerge(withValues, `{sk:r${i}}`, 'p', text)
    }
    const kept = (cache: typeof plain) =>
      Array.from({ length: 20 }, (_, i) => cache.entry(`{sk:r${i}}`, 'p')?.text).filter(
        (t) => t !== undefined,
      ).length
    expect(kept(plain)).toBe(10)
    expect(kept(withValues)).toBe(5)
  })
})
