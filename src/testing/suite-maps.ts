import type { JsonValue, MapSnapshot } from '../store/contract.js'
import { type CheckContext, MINUTE, type StoreCheck } from './suite-types.js'

async function read(
  t: CheckContext,
  name = 'cart',
): Promise<{ entries: Record<string, JsonValue>; version: number }> {
  const map: MapSnapshot = await t.store.getMap(t.id('a'), name)
  return { entries: { ...map.entries }, version: map.version }
}

async function withCart(t: CheckContext): Promise<void> {
  await t.store.create(t.id('a'), { expiresAt: t.at(MINUTE) })
  await t.store.updateMap(t.id('a'), 'cart', { set: { sku1: { qty: 1 }, sku2: { qty: 2 }, n: 5 } })
}

/** Checks of map parts: fields, versions, CAS, increments and limits (failures change nothing). */
export const mapChecks: readonly StoreCheck[] = [
  {
    name: 'updateMap sets and deletes fields; each update adds one to the version',
    async run(t) {
      await withCart(t)
      const result = await t.store.updateMap(t.id('a'), 'cart', { delete: ['sku1'], set: { sku3: 'x' } })
      t.expect(result).toEqual({ ok: true, version: 2, numbers: {}, kept: {} })
      t.expect(await read(t)).toEqual({ entries: { sku2: { qty: 2 }, n: 5, sku3: 'x' }, version: 2 })
    },
  },
  {
    name: 'getMap with fields returns only those that exist',
    async run(t) {
      await withCart(t)
      const map = await t.store.getMap(t.id('a'), 'cart', ['sku2', 'missing'])
      t.expect({ entries: { ...map.entries }, version: map.version }).toEqual({
        entries: { sku2: { qty: 2 } },
        version: 1,
      })
    },
  },
  {
    name: 'updateMap applies deletes, then sets, then increments',
    async run(t) {
      await withCart(t)
      const result = await t.store.updateMap(t.id('a'), 'cart', {
        delete: ['n', 'sku2'],
        set: { sku2: 'again', n: 10 },
        incr: { n: 1 },
      })
      t.expect(result).toEqual({ ok: true, version: 2, numbers: { n: 11 }, kept: {} })
      t.expect((await read(t)).entries).toEqual({ sku1: { qty: 1 }, sku2: 'again', n: 11 })
    },
  },
  {
    name: 'setIfAbsent sets only absent fields, after sets and before increments, and reports what each holds',
    async run(t) {
      await withCart(t)
      const result = await t.store.updateMap(t.id('a'), 'cart', {
        set: { fresh: 'set' },
        setIfAbsent: { sku1: 'ignored', fresh: 'ignored', addedAt: 100, counter: 7 },
        incr: { counter: 1 },
      })
      t.expect(result).toEqual({
        ok: true,
        version: 2,
        numbers: { counter: 8 },
        kept: { sku1: { qty: 1 }, fresh: 'set', addedAt: 100, counter: 8 },
      })
      const again = await t.store.updateMap(t.id('a'), 'cart', { setIfAbsent: { addedAt: 200 } })
      t.expect(again.ok && again.version).toBe(3)
      t.expect(again.ok && again.kept).toEqual({ addedAt: 100 })
      t.expect((await read(t)).entries).toEqual({
        sku1: { qty: 1 },
        sku2: { qty: 2 },
        n: 5,
        fresh: 'set',
        addedAt: 100,
        counter: 8,
      })
    },
  },
  {
    name: 'updateMap with a stale ifVersion conflicts and changes nothing',
    async run(t) {
      await withCart(t)
      t.expect(await t.store.updateMap(t.id('a'), 'cart', { set: { x: 1 } }, { ifVersion: 7 })).toEqual({
        ok: false,
        version: 1,
      })
      t.expect(await read(t)).toEqual({ entries: { sku1: { qty: 1 }, sku2: { qty: 2 }, n: 5 }, version: 1 })
      const ok = await t.store.updateMap(t.id('a'), 'cart', { set: { x: 1 } }, { ifVersion: 1 })
      t.expect(ok.ok).toBe(true)
      t.expect(ok.version).toBe(2)
    },
  },
  {
    name: 'updateMap with ifVersion 0 applies only to a missing or empty map',
    async run(t) {
      await t.store.create(t.id('a'), { expiresAt: t.at(MINUTE) })
      const created = await t.store.updateMap(t.id('a'), 'seen', { set: { a: 1 } }, { ifVersion: 0 })
      t.expect(created.ok).toBe(true)
      const again = await t.store.updateMap(t.id('a'), 'seen', { set: { b: 1 } }, { ifVersion: 0 })
      t.expect(again).toEqual({ ok: false, version: 1 })
      t.expect((await read(t, 'seen')).entries).toEqual({ a: 1 })
    },
  },
  {
    name: 'incr adds to integer fields, counts a missing field as 0 and reports the results',
    async run(t) {
      await withCart(t)
      const result = await t.store.updateMap(t.id('a'), 'cart', { incr: { n: 3, fresh: -2 } })
      t.expect(result).toEqual({ ok: true, version: 2, numbers: { n: 8, fresh: -2 }, kept: {} })
      const both = await Promise.all(
        [1, 2, 3, 4].map(() => t.store.updateMap(t.id('a'), 'cart', { incr: { n: 1 } })),
      )
      t.expect(both.map((r) => (r.ok ? (r.numbers.n ?? 0) : 0)).sort((x, y) => x - y)).toEqual([
        9, 10, 11, 12,
      ])
      t.expect((await read(t)).entries.n).toBe(12)
    },
  },
  {
    name: 'incr on a field that is not an integer (null included) fails with INVALID_ARGUMENT and changes nothing',
    async run(t) {
      await withCart(t)
      await t.fails(
        () => t.store.updateMap(t.id('a'), 'cart', { set: { y: 1 }, incr: { sku1: 1 } }),
        'INVALID_ARGUMENT',
      )
      await t.fails(() => t.store.updateMap(t.id('a'), 'cart', { incr: { n: 1.5 } }), 'INVALID_ARGUMENT')
      await t.store.create(t.id('b'), { expiresAt: t.at(MINUTE) })
      await t.store.updateMap(t.id('b'), 'cart', { set: { nothing: null } })
      await t.fails(() => t.store.updateMap(t.id('b'), 'cart', { incr: { nothing: 1 } }), 'INVALID_ARGUMENT')
      t.expect((await t.store.getMap(t.id('b'), 'cart')).entries.nothing).toBe(null)
      t.expect(await read(t)).toEqual({ entries: { sku1: { qty: 1 }, sku2: { qty: 2 }, n: 5 }, version: 1 })
    },
  },
  {
    name: 'maxFields: an update that would pass it fails with LIMIT_EXCEEDED (limit maxFields) and changes nothing',
    async run(t) {
      await withCart(t)
      const error = await t.fails(
        () => t.store.updateMap(t.id('a'), 'cart', { set: { sku4: 1 }, incr: { sku5: 1 } }, { maxFields: 4 }),
        'LIMIT_EXCEEDED',
      )
      t.expect(error?.details?.limit).toBe('maxFields')
      t.expect(await read(t)).toEqual({ entries: { sku1: { qty: 1 }, sku2: { qty: 2 }, n: 5 }, version: 1 })
      const swap = await t.store.updateMap(
        t.id('a'),
        'cart',
        { delete: ['sku1'], set: { sku4: 1 } },
        { maxFields: 3 },
      )
      t.expect(swap.ok).toBe(true)
    },
  },
  {
    name: 'maxNumber: an increment past it fails with LIMIT_EXCEEDED (limit maxNumber) and changes nothing',
    async run(t) {
      await withCart(t)
      const error = await t.fails(
        () => t.store.updateMap(t.id('a'), 'cart', { set: { z: 1 }, incr: { n: 6 } }, { maxNumber: 10 }),
        'LIMIT_EXCEEDED',
      )
      t.expect(error?.details?.limit).toBe('maxNumber')
      t.expect(await read(t)).toEqual({ entries: { sku1: { qty: 1 }, sku2: { qty: 2 }, n: 5 }, version: 1 })
      const ok = await t.store.updateMap(t.id('a'), 'cart', { incr: { n: 5 } }, { maxNumber: 10 })
      t.expect(ok.ok && ok.numbers.n).toBe(10)
    },
  },
]
