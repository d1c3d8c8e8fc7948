import { MINUTE, type StoreCheck } from './suite-types.js'

/** Checks of tombstones: ids that may not be created again until a given instant. */
export const tombstoneChecks: readonly StoreCheck[] = [
  {
    name: 'create with tombstoneUntil: after delete, create of the id resolves false until then, and true after',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), tombstoneUntil: at(10 * MINUTE) })
      expect(await store.delete(id('a'))).toBe(true)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(false)
      clock.advance(10 * MINUTE - 1)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(false)
      clock.advance(1)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(true)
    },
  },
  {
    name: 'a tombstone outlives its expired record: create of the id resolves false',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), tombstoneUntil: at(5 * MINUTE) })
      clock.advance(2 * MINUTE)
      expect(await store.meta(id('a'))).toBe(undefined)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE), data: { thief: true } })).toBe(false)
      expect(await store.meta(id('a'))).toBe(undefined)
    },
  },
  {
    name: 'a tombstone holds no data: reads see a missing record, writes throw NOT_FOUND, scan and count skip it',
    async run({ store, expect, id, at, fails, prefix }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), tombstoneUntil: at(5 * MINUTE) })
      await store.setValue(id('a'), 'state', 1)
      await store.delete(id('a'))
      expect(await store.meta(id('a'))).toBe(undefined)
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      expect(await store.readRecord(id('a'))).toBe(undefined)
      await fails(() => store.setValue(id('a'), 'state', 2), 'NOT_FOUND')
      expect(await store.touch(id('a'), at(MINUTE))).toBe(false)
      expect(await store.count({ prefix })).toBe(0)
      const seen: string[] = []
      for await (const batch of store.scan({ prefix })) seen.push(...batch)
      expect(seen).toEqual([])
    },
  },
  {
    name: 'create without tombstoneUntil leaves no tombstone: the id can be made again after delete',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.delete(id('a'))
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(true)
    },
  },
  {
    name: 'a later tombstoneUntil extends a tombstone; an earlier one never shortens it',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), tombstoneUntil: at(5 * MINUTE) })
      const to = store.renameTarget(id('a'))
      await store.rename(id('a'), to, { tombstoneUntil: at(2 * MINUTE), expiresAt: at(10 * MINUTE) })
      clock.advance(3 * MINUTE)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(false)
      await store.rename(to, store.renameTarget(to), { tombstoneUntil: at(20 * MINUTE) })
      clock.advance(10 * MINUTE)
      expect(await store.create(to, { expiresAt: at(MINUTE) })).toBe(false)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(true)
    },
  },
  {
    name: 'bad tombstoneUntil is INVALID_ARGUMENT and creates nothing',
    async run({ store, expect, id, at, fails }) {
      for (const bad of [Number.NaN, '1', null]) {
        await fails(
          () => store.create(id('a'), { expiresAt: at(MINUTE), tombstoneUntil: bad as number }),
          'INVALID_ARGUMENT',
        )
      }
      expect(await store.meta(id('a'))).toBe(undefined)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(true)
    },
  },
]
