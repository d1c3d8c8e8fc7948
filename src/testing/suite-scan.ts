import type { SessionStore } from '../store/contract.js'
import { MINUTE, type StoreCheck } from './suite-types.js'

async function scanAll(store: SessionStore, prefix: string, batchSize: number): Promise<string[][]> {
  const batches: string[][] = []
  for await (const batch of store.scan({ prefix, batchSize })) batches.push([...batch])
  return batches
}

/** Checks of listing: scan completeness across batches, prefixes, count, capabilities. */
export const scanChecks: readonly StoreCheck[] = [
  {
    name: 'scan returns every live record exactly once, over several batches',
    async run({ store, expect, id, at, prefix }) {
      const ids = Array.from({ length: 250 }, (_, i) => id(`s${i}`))
      await Promise.all(ids.map((rid) => store.create(rid, { expiresAt: at(MINUTE) })))
      const batches = await scanAll(store, prefix, 40)
      expect(batches.length > 1).toBe(true)
      expect(batches.every((b) => b.length <= 40)).toBe(true)
      const seen = batches.flat()
      expect(seen.length).toBe(ids.length)
      expect([...new Set(seen)].sort()).toEqual([...ids].sort())
    },
  },
  {
    name: 'scan with a prefix returns only matching live ids, skipping expired and deleted ones',
    async run({ store, clock, expect, id, at, prefix }) {
      for (let i = 0; i < 30; i++) await store.create(id(`user:${i}`), { expiresAt: at(MINUTE) })
      for (let i = 0; i < 20; i++) await store.create(id(`sess${i}`), { expiresAt: at(3 * MINUTE) })
      await store.delete(id('sess0'))
      const users = (await scanAll(store, `${prefix}user:`, 7)).flat()
      expect(users.length).toBe(30)
      expect(users.every((u) => u.startsWith(`${prefix}user:`))).toBe(true)
      clock.advance(2 * MINUTE)
      expect((await scanAll(store, `${prefix}user:`, 7)).flat()).toEqual([])
      expect((await scanAll(store, prefix, 7)).flat().length).toBe(19)
    },
  },
  {
    name: 'count counts live records, with and without a prefix',
    async run({ store, clock, expect, id, at, prefix }) {
      for (let i = 0; i < 12; i++) await store.create(id(`a${i}`), { expiresAt: at(MINUTE) })
      for (let i = 0; i < 5; i++) await store.create(id(`b${i}`), { expiresAt: at(3 * MINUTE) })
      expect(await store.count({ prefix })).toBe(17)
      expect(await store.count({ prefix: `${prefix}b` })).toBe(5)
      expect((await store.count()) >= 17).toBe(true)
      clock.advance(2 * MINUTE)
      expect(await store.count({ prefix })).toBe(5)
      expect(await store.count({ prefix: `${prefix}zzz` })).toBe(0)
    },
  },
  {
    name: 'scan and count refuse options that are not an object, a prefix that is not a string and a bad batch size',
    async run(t) {
      const first = (options: unknown) => async () => {
        for await (const batch of t.store.scan(options as never)) return batch
        return undefined
      }
      for (const bad of [null, 'p', { prefix: 7 }, { batchSize: 0 }, { batchSize: 1.5 }]) {
        await t.fails(first(bad), 'INVALID_ARGUMENT')
      }
      for (const bad of [null, 'p', { prefix: 7 }]) {
        await t.fails(() => t.store.count(bad as never), 'INVALID_ARGUMENT')
      }
    },
  },
  {
    name: 'capabilities say what the store can do',
    async run({ store, expect }) {
      const c = store.capabilities
      expect(c.atomicity === 'process' || c.atomicity === 'shared').toBe(true)
      expect([typeof c.scan, typeof c.expiryEvents, typeof c.durable]).toEqual([
        'boolean',
        'boolean',
        'boolean',
      ])
      expect(c.scan).toBe(true)
      const timeout = c.commandTimeoutMs
      expect(timeout === undefined || (Number.isSafeInteger(timeout) && timeout > 0)).toBe(true)
      expect(typeof store.clock.now()).toBe('number')
      expect(c.expiryEvents ? typeof store.subscribe : 'function').toBe('function')
    },
  },
]
