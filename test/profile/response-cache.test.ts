import { describe, expect, it } from 'vitest'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const MIN = 60_000

forEachStore((fixture) => {
  describe('response cache', () => {
    it('serves a value until its TTL, then forgets it', async () => {
      const { kit, clock } = await makeKit(fixture, { cache: { ttlMs: 10 * MIN } })
      const s = await kit.create()
      expect(await s.cache.get('what phones do you have?')).toBeUndefined()
      await s.cache.set('what phones do you have?', { answer: 'Three models.' })
      expect(await s.cache.get('what phones do you have?')).toEqual({ answer: 'Three models.' })
      clock.advance(9 * MIN)
      expect(await s.cache.get('what phones do you have?')).toEqual({ answer: 'Three models.' })
      clock.advance(2 * MIN)
      expect(await s.cache.get('what phones do you have?')).toBeUndefined()
      await s.cache.set('short', 1, { ttlMs: 1000 })
      clock.advance(1001)
      expect(await s.cache.get('short')).toBeUndefined()
    })

    it('1,000 concurrent sets on a full cache all land, none ends in CONFLICT, the cap holds', async () => {
      // The bound on queue waits is tested in test/util/keyed-queue.test.ts; here it is raised so
      // that a slow machine cannot turn this test about conflicts into one about time.
      const { kit } = await makeKit(fixture, {
        cache: { maxEntries: 20 },
        concurrency: { queueTimeoutMs: 120_000 },
      })
      const s = await kit.create()
      for (let i = 0; i < 20; i++) await s.cache.set(`old${i}`, i)
      const results = await Promise.allSettled(
        Array.from({ length: 1_000 }, (_, i) => s.cache.set(`new${i}`, i)),
      )
      expect(results.filter((r) => r.status === 'rejected').map((r) => String(r.reason))).toEqual([])
      // Set in arrival order and the oldest dropped first: the last 20 are the ones left.
      for (let i = 980; i < 1_000; i++) expect(await s.cache.get(`new${i}`)).toBe(i)
      expect(await s.cache.get('new979')).toBeUndefined()
    }, 120_000)

    it('getOrSet computes once for concurrent callers and stores nothing when compute throws', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      let calls = 0
      const compute = async () => {
        calls++
        return 'expensive answer'
      }
      const results = await Promise.all(Array.from({ length: 10 }, () => s.cache.getOrSet('q', compute)))
      expect(calls).toBe(1)
      expect(results.filter((r) => r.cached)).toHaveLength(9)
      expect(results.every((r) => r.value === 'expensive answer')).toBe(true)
      await expect(
        s.cache.getOrSet('broken', () => {
          throw new Error('model down')
        }),
      ).rejects.toThrow('model down')
      expect(await s.cache.get('broken')).toBeUndefined()
    })

    it('keys of any length work, and each session has its own cache', async () => {
      const { kit } = await makeKit(fixture)
      const a = await kit.create()
      const b = await kit.create()
      const long = 'why '.repeat(5000)
      await a.cache.set(long, 'because')
      expect(await a.cache.get(long)).toBe('because')
      expect(await b.cache.get(long)).toBeUndefined()
      // Keys that differ only in a lone surrogate (UTF-8 reads each as U+FFFD) are three keys.
      await a.cache.set('q\ud800', 1)
      await a.cache.set('q\udc00', 2)
      expect([
        await a.cache.get('q\ud800'),
        await a.cache.get('q\udc00'),
        await a.cache.get('q\ufffd'),
      ]).toEqual([1, 2, undefined])
    })

    it('stays within maxEntries: expired entries go first, then the oldest', async () => {
      const { kit, clock } = await makeKit(fixture, { cache: { maxEntries: 3, ttlMs: 10 * MIN } })
      const s = await kit.create()
      await s.cache.set('a', 1, { ttlMs: 1000 })
      clock.advance(10)
      await s.cache.set('b', 2)
      clock.advance(10)
      await s.cache.set('c', 3)
      clock.advance(2000)
      await s.cache.set('d', 4)
      expect([
        await s.cache.get('a'),
        await s.cache.get('b'),
        await s.cache.get('c'),
        await s.cache.get('d'),
      ]).toEqual([undefined, 2, 3, 4])
      clock.advance(10)
      await s.cache.set('e', 5)
      expect(await s.cache.get('b')).toBeUndefined()
      expect(await s.cache.get('e')).toBe(5)
      expect((await kit.store.getMap(s.id, 'cache')).entries).toSatisfy(
        (e: object) => Object.keys(e).length === 3,
      )
    })

    it('concurrent writes to a full cache all land and keep maxEntries', async () => {
      const { kit, clock } = await makeKit(fixture, { cache: { maxEntries: 3 } })
      const s = await kit.create()
      for (const key of ['a', 'b', 'c']) {
        await s.cache.set(key, key)
        clock.advance(10)
      }
      await Promise.all(['d', 'e', 'f', 'g'].map((key) => s.cache.set(key, key)))
      expect(Object.keys((await kit.store.getMap(s.id, 'cache')).entries)).toHaveLength(3)
      expect(await s.cache.get('c')).toBeUndefined()
    })

    it('refuses bad keys, bad values and oversized values, storing nothing', async () => {
      const { kit } = await makeKit(fixture, { cache: { maxBytes: 100 } })
      const s = await kit.create()
      await expect(s.cache.set('', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(s.cache.set('k', 'x'.repeat(200))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(s.cache.set('k', JSON.parse('{"__proto__": 1}'))).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      await expect(s.cache.set('k', 1, { ttlMs: -5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect(await s.cache.get('k')).toBeUndefined()
    })

    it('delete and clear remove entries; the cache ends with its session', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create()
      await s.cache.set('a', 1)
      await s.cache.set('b', 2)
      expect(await s.cache.delete('a')).toBe(true)
      expect(await s.cache.delete('a')).toBe(false)
      await s.cache.clear()
      expect(await s.cache.get('b')).toBeUndefined()
      await s.cache.set('c', 3)
      await s.end()
      expect(await s.cache.get('c')).toBeUndefined()
      await expect(s.cache.set('c', 3)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })
  })
})
