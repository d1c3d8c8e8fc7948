import type { JsonValue } from '../store/contract.js'
import type { StoreCheck } from './suite-types.js'
import { MINUTE } from './suite-types.js'

// Checks of the optional calls that do two things in one step. A store without them passes these
// trivially (the facade falls back to two calls); one that has them must keep every rule.

/** Awkward JSON a merge must carry over exactly: escapes, braces inside strings, big and small numbers. */
const awkward: Readonly<Record<string, JsonValue>> = {
  'quote"key': 'a "quoted" {value} with [brackets], commas: and \\ backslash',
  unicode: 'héllo ☃ 𝄞',
  big: 9_007_199_254_740_991,
  small: 0.1,
  negative: -1.5e-7,
  empty: { obj: {}, arr: [] },
  nested: { list: [{ a: [1, { b: null }] }, 'x'], flag: false },
}

export const combinedChecks: readonly StoreCheck[] = [
  {
    name: 'touchMeta moves the expiry and resolves the header after the move; undefined for missing or expired',
    async run({ store, expect, id, at, clock }) {
      if (store.touchMeta === undefined) return
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { u: 'u1' } })
      const touched = await store.touchMeta(id('a'), at(5 * MINUTE))
      expect(touched?.touched).toBe(true)
      expect(touched?.meta.expiresAt).toBe(at(5 * MINUTE))
      expect(touched?.meta.data).toEqual({ u: 'u1' })
      expect((await store.meta(id('a')))?.expiresAt).toBe(at(5 * MINUTE))
      expect(await store.touchMeta(id('never'), at(MINUTE))).toBe(undefined)
      clock.advance(5 * MINUTE)
      expect(await store.touchMeta(id('a'), at(MINUTE))).toBe(undefined)
      expect(await store.meta(id('a'))).toBe(undefined)
    },
  },
  {
    name: 'touchMeta never moves the expiry past the number in its notAfter fact',
    async run({ store, expect, id, at }) {
      if (store.touchMeta === undefined) return
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { end: at(2 * MINUTE), note: 'x' } })
      expect((await store.touchMeta(id('a'), at(5 * MINUTE), { notAfter: 'end' }))?.meta.expiresAt).toBe(
        at(2 * MINUTE),
      )
      expect((await store.meta(id('a')))?.expiresAt).toBe(at(2 * MINUTE))
      // A fact that is absent or not a number caps nothing.
      expect((await store.touchMeta(id('a'), at(3 * MINUTE), { notAfter: 'note' }))?.meta.expiresAt).toBe(
        at(3 * MINUTE),
      )
      expect((await store.touchMeta(id('a'), at(4 * MINUTE), { notAfter: 'none' }))?.meta.expiresAt).toBe(
        at(4 * MINUTE),
      )
    },
  },
  {
    name: 'touchMeta with ifDataAbsentOr moves only when each fact is absent or equal; otherwise touched is false',
    async run({ store, expect, id, at }) {
      if (store.touchMeta === undefined) return
      await store.create(id('owned'), { expiresAt: at(MINUTE), data: { u: 'u1', tags: { a: [1] } } })
      await store.create(id('free'), { expiresAt: at(MINUTE) })
      const other = await store.touchMeta(id('owned'), at(5 * MINUTE), { ifDataAbsentOr: { u: 'u2' } })
      expect([other?.touched, other?.meta.expiresAt]).toEqual([false, at(MINUTE)])
      expect((await store.meta(id('owned')))?.expiresAt).toBe(at(MINUTE))
      const absentOnly = await store.touchMeta(id('owned'), at(5 * MINUTE), { ifDataAbsentOr: { u: null } })
      expect(absentOnly?.touched).toBe(false)
      const same = await store.touchMeta(id('owned'), at(2 * MINUTE), {
        ifDataAbsentOr: { u: 'u1', tags: { a: [1] } },
      })
      expect([same?.touched, same?.meta.expiresAt]).toEqual([true, at(2 * MINUTE)])
      const free = await store.touchMeta(id('free'), at(3 * MINUTE), { ifDataAbsentOr: { u: 'u2' } })
      expect([free?.touched, free?.meta.expiresAt]).toEqual([true, at(3 * MINUTE)])
    },
  },
  {
    name: 'mergeValue merges objects key by key, null removes, arrays and scalars replace, and bumps the version',
    async run({ store, expect, id, at }) {
      if (store.mergeValue === undefined) return
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      const first = await store.mergeValue(id('a'), 'prefs', { budget: { min: 1 }, brands: ['a'], size: 'M' })
      expect(first).toEqual({ value: { budget: { min: 1 }, brands: ['a'], size: 'M' }, version: 1 })
      const second = await store.mergeValue(id('a'), 'prefs', {
        budget: { max: 9 },
        brands: ['b', 'c'],
        size: null,
        gone: null,
        deep: { x: { y: 1 } },
      })
      const merged = { budget: { min: 1, max: 9 }, brands: ['b', 'c'], deep: { x: { y: 1 } } }
      expect(second).toEqual({ value: merged, version: 2 })
      expect(await store.getValue(id('a'), 'prefs')).toEqual({ value: merged, version: 2 })
      // A merge and a compare-and-set share one version counter.
      expect(await store.setValue(id('a'), 'prefs', { n: 1 }, { ifVersion: 2 })).toEqual({
        ok: true,
        version: 3,
      })
    },
  },
  {
    name: 'mergeValue carries every value over exactly (escapes, braces in strings, big and small numbers, empty containers)',
    async run({ store, expect, id, at }) {
      if (store.mergeValue === undefined) return
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'prefs', awkward)
      const result = await store.mergeValue(id('a'), 'prefs', { 'quote"key': 'replaced', added: [[]] })
      const expected = { ...awkward, 'quote"key': 'replaced', added: [[]] }
      expect(result.value).toEqual(expected)
      expect((await store.getValue(id('a'), 'prefs'))?.value).toEqual(expected)
      // A part that holds no object is merged into as `{}`.
      await store.setValue(id('a'), 'scalar', [1, 2])
      expect((await store.mergeValue(id('a'), 'scalar', { a: { b: null } })).value).toEqual({ a: {} })
    },
  },
  {
    name: 'mergeValue refuses a missing record (NOT_FOUND), another kind of part and a result past maxBytes (INVALID_ARGUMENT), changing nothing',
    async run(t) {
      const { store, expect, id, at } = t
      if (store.mergeValue === undefined) return
      await t.fails(() => store.mergeValue!(id('never'), 'prefs', { a: 1 }), 'NOT_FOUND')
      expect(await store.meta(id('never'))).toBe(undefined)
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', ['x'], { max: 5 })
      await t.fails(() => store.mergeValue!(id('a'), 'log', { a: 1 }), 'INVALID_ARGUMENT')
      await store.mergeValue(id('a'), 'prefs', { a: 'x'.repeat(50) })
      await t.fails(
        () => store.mergeValue!(id('a'), 'prefs', { b: 'y'.repeat(50) }, { maxBytes: 80 }),
        'INVALID_ARGUMENT',
      )
      await t.fails(() => store.mergeValue!(id('a'), 'prefs', [1] as never), 'INVALID_ARGUMENT')
      expect(await store.getValue(id('a'), 'prefs')).toEqual({ value: { a: 'x'.repeat(50) }, version: 1 })
    },
  },
  {
    name: 'mergeValue moves the record expiry and sets the part expiry it is given',
    async run({ store, expect, id, at, clock }) {
      if (store.mergeValue === undefined) return
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.mergeValue(
        id('a'),
        'prefs',
        { a: 1 },
        { expiresAt: at(10 * MINUTE), partExpiresAt: at(2 * MINUTE) },
      )
      expect((await store.meta(id('a')))?.expiresAt).toBe(at(10 * MINUTE))
      clock.advance(2 * MINUTE)
      expect(await store.getValue(id('a'), 'prefs')).toBe(undefined)
      // An expired part is merged into as if it were not there, and its version starts over.
      expect(await store.mergeValue(id('a'), 'prefs', { b: 2 })).toEqual({ value: { b: 2 }, version: 1 })
    },
  },
]
