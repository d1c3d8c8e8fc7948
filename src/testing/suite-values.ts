import type { CheckContext, StoreCheck } from './suite-types.js'
import { MINUTE } from './suite-types.js'

/** Every kind of write, aimed at record `id`; each must fail with NOT_FOUND when the record is gone. */
function everyWrite(t: CheckContext, id: string): ReadonlyArray<() => Promise<unknown>> {
  const { store } = t
  return [
    () => store.setValue(id, 'state', { a: 1 }),
    () => store.setValue(id, 'state', { a: 1 }, { ifVersion: 0 }),
    () => store.push(id, 'log', ['m'], { max: 10 }),
    () => store.push(id, 'log', ['m'], { max: 10, idempotencyKey: 'k1' }),
    () => store.updateMap(id, 'cart', { set: { a: 1 } }),
    () => store.updateMap(id, 'cart', { incr: { n: 1 } }),
    () => store.deletePart(id, 'state'),
    () => store.patchMeta(id, { k: 1 }),
  ]
}

async function expectGone(t: CheckContext, id: string): Promise<void> {
  for (const write of everyWrite(t, id)) await t.fails(write, 'NOT_FOUND')
  t.expect(await t.store.meta(id)).toBe(undefined)
  t.expect(await t.store.getValue(id, 'state')).toBe(undefined)
  t.expect((await t.store.range(id, 'log', 0, -1)).length).toBe(0)
  t.expect((await t.store.getMap(id, 'cart')).version).toBe(0)
  t.expect(await t.store.count({ prefix: t.prefix })).toBe(0)
}

/** Checks of value parts, per-part expiry, and writes to missing records. */
export const valueChecks: readonly StoreCheck[] = [
  {
    name: 'writes of every kind to a missing record throw NOT_FOUND and create nothing',
    async run(t) {
      await expectGone(t, t.id('never'))
    },
  },
  {
    name: 'writes of every kind to an expired record throw NOT_FOUND and do not resurrect it',
    async run(t) {
      await t.store.create(t.id('a'), { expiresAt: t.at(MINUTE) })
      await t.store.setValue(t.id('a'), 'state', { a: 0 })
      t.clock.advance(MINUTE)
      await expectGone(t, t.id('a'))
    },
  },
  {
    name: 'writes of every kind to a deleted record throw NOT_FOUND',
    async run(t) {
      await t.store.create(t.id('a'), { expiresAt: t.at(MINUTE) })
      await t.store.delete(t.id('a'))
      await expectGone(t, t.id('a'))
    },
  },
  {
    name: 'setValue writes version 1, then 2; getValue reads value and version',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      expect(await store.setValue(id('a'), 'state', { phase: 'start' })).toEqual({ ok: true, version: 1 })
      expect(await store.setValue(id('a'), 'state', { phase: 'next', n: [1, 2] })).toEqual({
        ok: true,
        version: 2,
      })
      expect(await store.getValue(id('a'), 'state')).toEqual({
        value: { phase: 'next', n: [1, 2] },
        version: 2,
      })
      expect(await store.getValue(id('a'), 'other')).toBe(undefined)
    },
  },
  {
    name: 'setValue with ifVersion writes on the current version and conflicts otherwise',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'state', 'v1')
      expect(await store.setValue(id('a'), 'state', 'stale', { ifVersion: 3 })).toEqual({
        ok: false,
        version: 1,
      })
      expect(await store.getValue(id('a'), 'state')).toEqual({ value: 'v1', version: 1 })
      expect(await store.setValue(id('a'), 'state', 'v2', { ifVersion: 1 })).toEqual({ ok: true, version: 2 })
      const racing = await Promise.all([
        store.setValue(id('a'), 'state', 'x', { ifVersion: 2 }),
        store.setValue(id('a'), 'state', 'y', { ifVersion: 2 }),
      ])
      expect(racing.filter((r) => r.ok).length).toBe(1)
      expect((await store.getValue(id('a'), 'state'))?.version).toBe(3)
    },
  },
  {
    name: 'setValue with ifVersion 0 writes only when the part does not exist',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      expect(await store.setValue(id('a'), 'lock', 'first', { ifVersion: 0 })).toEqual({
        ok: true,
        version: 1,
      })
      expect(await store.setValue(id('a'), 'lock', 'second', { ifVersion: 0 })).toEqual({
        ok: false,
        version: 1,
      })
      expect((await store.getValue(id('a'), 'lock'))?.value).toBe('first')
    },
  },
  {
    name: 'a stored value is a copy: changing the written object later does not change it',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      const input = { items: ['a'], nested: { n: 1 } }
      await store.setValue(id('a'), 'state', input)
      input.items.push('b')
      input.nested.n = 2
      expect((await store.getValue(id('a'), 'state'))?.value).toEqual({ items: ['a'], nested: { n: 1 } })
    },
  },
  {
    name: 'a part with partExpiresAt is gone from then on while its record lives',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(10 * MINUTE) })
      await store.setValue(id('a'), 'state', 1, { partExpiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', ['x'], { max: 5, partExpiresAt: at(MINUTE) })
      await store.updateMap(id('a'), 'cart', { set: { a: 1 } }, { partExpiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'prefs', 2)
      clock.advance(MINUTE - 1)
      expect((await store.getValue(id('a'), 'state'))?.value).toBe(1)
      clock.advance(1)
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      expect((await store.range(id('a'), 'log', 0, -1)).length).toBe(0)
      expect((await store.getMap(id('a'), 'cart')).version).toBe(0)
      expect((await store.getValue(id('a'), 'prefs'))?.value).toBe(2)
    },
  },
  {
    name: 'touch does not stretch a part past its own earlier expiry',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(2 * MINUTE) })
      await store.setValue(id('a'), 'short', 1, { partExpiresAt: at(MINUTE) })
      await store.touch(id('a'), at(10 * MINUTE))
      clock.advance(MINUTE)
      expect(await store.getValue(id('a'), 'short')).toBe(undefined)
      expect((await store.meta(id('a')))?.id).toBe(id('a'))
    },
  },
  {
    name: 'a part never outlives its record, even when the id is created again',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'state', 1, { partExpiresAt: at(10 * MINUTE) })
      await store.push(id('a'), 'log', ['x'], { max: 5, partExpiresAt: at(10 * MINUTE) })
      clock.advance(MINUTE)
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      expect(await store.range(id('a'), 'log', 0, -1)).toEqual({ entries: [], length: 0, lastSeq: 0 })
    },
  },
]
