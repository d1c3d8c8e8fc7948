import { MINUTE, type StoreCheck } from './suite-types.js'

/** Checks of `readRecord`: everything a record holds, for data access requests. */
export const readRecordChecks: readonly StoreCheck[] = [
  {
    name: 'readRecord returns the header and every part with its state',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { userId: 'u1' } })
      await store.setValue(id('a'), 'state', { step: 1 })
      await store.setValue(id('a'), 'state', { step: 2 })
      await store.push(id('a'), 'log', ['a', 'b', 'c'], { max: 2, partExpiresAt: at(MINUTE / 2) })
      await store.updateMap(id('a'), 'cart', { set: { sku: { qty: 1 } } })
      const dump = await store.readRecord(id('a'))
      expect(dump?.meta).toEqual({
        id: id('a'),
        createdAt: clock.now(),
        expiresAt: at(MINUTE),
        data: { userId: 'u1' },
      })
      expect({ ...dump?.parts }).toEqual({
        state: { kind: 'value', value: { step: 2 }, version: 2 },
        log: {
          kind: 'list',
          entries: [
            { seq: 2, value: 'b' },
            { seq: 3, value: 'c' },
          ],
          lastSeq: 3,
          expiresAt: at(MINUTE / 2),
        },
        cart: { kind: 'map', entries: { sku: { qty: 1 } }, version: 1 },
      })
    },
  },
  {
    name: 'readRecord leaves out parts past their own expiry and deleted lists; a missing record is undefined',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'short', 1, { partExpiresAt: at(1000) })
      await store.push(id('a'), 'gone', ['x'], { max: 5 })
      await store.deletePart(id('a'), 'gone')
      await store.setValue(id('a'), 'kept', 2)
      clock.advance(1000)
      expect(Object.keys((await store.readRecord(id('a')))?.parts ?? {})).toEqual(['kept'])
      expect(await store.readRecord(id('never'))).toBe(undefined)
      clock.advance(MINUTE)
      expect(await store.readRecord(id('a'))).toBe(undefined)
    },
  },
]
