import { MINUTE, type StoreCheck } from './suite-types.js'

/** Checks of record headers: create, meta, expiry by the clock, touch, delete, patchMeta. */
export const recordChecks: readonly StoreCheck[] = [
  {
    name: 'create makes a record whose meta has createdAt, expiresAt and data',
    async run({ store, clock, expect, id, at }) {
      const expiresAt = at(MINUTE)
      expect(await store.create(id('a'), { expiresAt, data: { userId: 'u1', device: 'web' } })).toBe(true)
      const meta = await store.meta(id('a'))
      expect(meta?.id).toBe(id('a'))
      expect(meta?.createdAt).toBe(clock.now())
      expect(meta?.expiresAt).toBe(expiresAt)
      expect({ ...meta?.data }).toEqual({ userId: 'u1', device: 'web' })
    },
  },
  {
    name: 'create on a live id resolves false and changes nothing',
    async run({ store, expect, id, at }) {
      const expiresAt = at(MINUTE)
      await store.create(id('a'), { expiresAt, data: { userId: 'u1' } })
      expect(await store.create(id('a'), { expiresAt: at(5 * MINUTE), data: { userId: 'u2' } })).toBe(false)
      const meta = await store.meta(id('a'))
      expect(meta?.expiresAt).toBe(expiresAt)
      expect(meta?.data.userId).toBe('u1')
    },
  },
  {
    name: 'meta of a missing record is undefined',
    async run({ store, expect, id }) {
      expect(await store.meta(id('never'))).toBe(undefined)
    },
  },
  {
    name: 'metaNow, where the store has it, answers as meta does: header, miss, expiry, bad id',
    async run({ store, clock, expect, id, at }) {
      // Optional in the contract: a store of a server leaves it out, and this check with it.
      if (store.metaNow === undefined) return
      const expiresAt = at(MINUTE)
      await store.create(id('a'), { expiresAt, data: { userId: 'u1' } })
      expect(store.metaNow(id('a'))).toEqual(await store.meta(id('a')))
      expect(store.metaNow(id('never'))).toBe(undefined)
      let refused: unknown
      try {
        store.metaNow('bad id!')
      } catch (error) {
        refused = error
      }
      expect((refused as { code?: string } | undefined)?.code).toBe('INVALID_ARGUMENT')
      clock.advance(MINUTE)
      expect(store.metaNow(id('a'))).toBe(undefined)
    },
  },
  {
    name: 'a record is gone from its expiresAt on, by the injected clock',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      clock.advance(MINUTE - 1)
      expect((await store.meta(id('a')))?.id).toBe(id('a'))
      clock.advance(1)
      expect(await store.meta(id('a'))).toBe(undefined)
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
    },
  },
  {
    name: 'create after expiry makes a fresh record without the old parts',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { v: 1 } })
      await store.setValue(id('a'), 'state', { old: true })
      await store.push(id('a'), 'log', ['old'], { max: 10 })
      clock.advance(2 * MINUTE)
      expect(await store.create(id('a'), { expiresAt: at(MINUTE) })).toBe(true)
      expect({ ...(await store.meta(id('a')))?.data }).toEqual({})
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      expect((await store.range(id('a'), 'log', 0, -1)).length).toBe(0)
    },
  },
  {
    name: 'touch extends a record and its parts without rewriting them',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'state', { step: 1 })
      await store.push(id('a'), 'log', ['x', 'y'], { max: 10 })
      await store.updateMap(id('a'), 'cart', { set: { sku: 1 } })
      clock.advance(MINUTE / 2)
      expect(await store.touch(id('a'), at(MINUTE))).toBe(true)
      clock.advance(MINUTE - 1)
      expect((await store.meta(id('a')))?.expiresAt).toBe(clock.now() + 1)
      expect(await store.getValue(id('a'), 'state')).toEqual({ value: { step: 1 }, version: 1 })
      const log = await store.range(id('a'), 'log', 0, -1)
      expect(log.entries.map((e) => e.seq)).toEqual([1, 2])
      expect({ ...(await store.getMap(id('a'), 'cart')).entries }).toEqual({ sku: 1 })
      expect((await store.getMap(id('a'), 'cart')).version).toBe(1)
      clock.advance(1)
      expect(await store.meta(id('a'))).toBe(undefined)
    },
  },
  {
    name: 'touch of a missing or expired record resolves false and does not bring it back',
    async run({ store, clock, expect, id, at }) {
      expect(await store.touch(id('never'), at(MINUTE))).toBe(false)
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      clock.advance(MINUTE)
      expect(await store.touch(id('a'), at(MINUTE))).toBe(false)
      expect(await store.meta(id('a'))).toBe(undefined)
      expect(await store.meta(id('never'))).toBe(undefined)
    },
  },
  {
    name: 'delete removes a record and all its parts, once',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'state', 1)
      await store.push(id('a'), 'log', [1], { max: 5 })
      expect(await store.delete(id('a'))).toBe(true)
      expect(await store.delete(id('a'))).toBe(false)
      expect(await store.meta(id('a'))).toBe(undefined)
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      expect((await store.range(id('a'), 'log', 0, -1)).length).toBe(0)
    },
  },
  {
    name: 'patchMeta sets header facts and null removes them',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { userId: 'u1', device: 'web' } })
      const meta = await store.patchMeta(id('a'), { device: null, plan: { tier: 'pro' } })
      expect({ ...meta?.data }).toEqual({ userId: 'u1', plan: { tier: 'pro' } })
      expect({ ...(await store.meta(id('a')))?.data }).toEqual({ userId: 'u1', plan: { tier: 'pro' } })
    },
  },
  {
    name: 'patchMeta with ifData applies only when every condition holds',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { userId: 'u1' } })
      expect(await store.patchMeta(id('a'), { userId: 'u2' }, { ifData: { userId: 'u9' } })).toBe(undefined)
      expect(await store.patchMeta(id('a'), { owner: 'x' }, { ifData: { owner: 'y' } })).toBe(undefined)
      expect((await store.meta(id('a')))?.data.userId).toBe('u1')
      const claimed = await store.patchMeta(
        id('a'),
        { owner: 'x' },
        { ifData: { owner: null, userId: 'u1' } },
      )
      expect(claimed?.data.owner).toBe('x')
      expect(await store.patchMeta(id('a'), { owner: 'z' }, { ifData: { owner: null } })).toBe(undefined)
      expect((await store.meta(id('a')))?.data.owner).toBe('x')
    },
  },
  {
    name: 'patchMeta with expiresAt moves the expiry; on a missing record it throws NOT_FOUND',
    async run({ store, clock, expect, id, at, fails }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.patchMeta(id('a'), { k: 1 }, { expiresAt: at(3 * MINUTE) })
      clock.advance(2 * MINUTE)
      expect((await store.meta(id('a')))?.data.k).toBe(1)
      await fails(() => store.patchMeta(id('never'), { k: 1 }), 'NOT_FOUND')
      expect(await store.meta(id('never'))).toBe(undefined)
    },
  },
  {
    name: 'a write with expiresAt moves the record expiry in the same call',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'state', 1, { expiresAt: at(2 * MINUTE) })
      await store.create(id('b'), { expiresAt: at(MINUTE) })
      await store.push(id('b'), 'log', [1], { max: 5, expiresAt: at(2 * MINUTE) })
      await store.create(id('c'), { expiresAt: at(MINUTE) })
      await store.updateMap(id('c'), 'cart', { set: { a: 1 } }, { expiresAt: at(2 * MINUTE) })
      clock.advance(MINUTE + 1)
      expect((await store.getValue(id('a'), 'state'))?.value).toBe(1)
      expect((await store.range(id('b'), 'log', 0, -1)).length).toBe(1)
      expect((await store.getMap(id('c'), 'cart')).version).toBe(1)
    },
  },
  {
    name: 'reads of a missing record return undefined or empty shapes, never throw',
    async run({ store, expect, id }) {
      expect(await store.getValue(id('none'), 'state')).toBe(undefined)
      expect(await store.range(id('none'), 'log', 0, -1)).toEqual({ entries: [], length: 0, lastSeq: 0 })
      expect(await store.rangeBySeq(id('none'), 'log', { limit: 10 })).toEqual({
        entries: [],
        length: 0,
        lastSeq: 0,
      })
      const map = await store.getMap(id('none'), 'cart')
      expect({ entries: { ...map.entries }, version: map.version }).toEqual({ entries: {}, version: 0 })
    },
  },
  {
    name: 'deletePart removes one part and leaves the others; on a missing record it throws NOT_FOUND',
    async run({ store, expect, id, at, fails }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.setValue(id('a'), 'state', 1)
      await store.setValue(id('a'), 'prefs', 2)
      await store.deletePart(id('a'), 'state')
      expect(await store.getValue(id('a'), 'state')).toBe(undefined)
      expect((await store.getValue(id('a'), 'prefs'))?.value).toBe(2)
      await store.deletePart(id('a'), 'nothing')
      await fails(() => store.deletePart(id('never'), 'state'), 'NOT_FOUND')
    },
  },
]
