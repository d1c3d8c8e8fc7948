import fc from 'fast-check'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createRedisStore, fromIoredis, type RedisStore } from '../../src/redis/index.js'
import { mergeJsonText } from '../../src/store/merge-text.js'
import { jsonObject } from '../helpers/json-objects.js'
import { redisPort, uniquePrefix } from '../helpers/redis-clients.js'

// mergeValue merges on the client when this process holds the part's text, and the script merges
// when it does not (or holds a stale one): both must give the same text, byte for byte, or a
// value's key order would depend on which process wrote it last.

const object = jsonObject

describe('mergeJsonText', () => {
  it('merges as a JSON merge patch, keeping the base order and spelling', () => {
    expect(mergeJsonText('{"a":1,"b":[],"c":{"d":2}}', '{"b":null,"c":{"e":3},"f":0}')).toBe(
      '{"a":1,"c":{"d":2,"e":3},"f":0}',
    )
    expect(mergeJsonText(undefined, '{"a":{"b":null}}')).toBe('{"a":{}}')
    expect(mergeJsonText('[1]', '{"a":1}')).toBe('{"a":1}')
    expect(mergeJsonText('{"q":"}\\\\\\"{"}', '{"r":1}')).toBe('{"q":"}\\\\\\"{","r":1}')
  })
})

describe.runIf(redisPort !== undefined)('mergeJsonText and merge-value.lua agree', () => {
  let raw: Redis
  let server: RedisStore
  let cached: RedisStore
  const clock = createManualClock(1_000_000)
  beforeAll(() => {
    raw = new Redis({ host: '127.0.0.1', port: redisPort! })
    const prefix = uniquePrefix()
    server = createRedisStore({ client: fromIoredis(raw), prefix, clock, valueCacheBytes: 0 })
    cached = createRedisStore({ client: fromIoredis(raw), prefix, clock })
  })
  afterAll(() => raw.disconnect())

  it('gives the same text as the script for any object and patch (300 cases)', async () => {
    let n = 0
    await fc.assert(
      fc.asyncProperty(object, object, async (base, patch) => {
        const id = `m${n++}`
        await server.create(id, { expiresAt: clock.now() + 60_000 })
        await server.setValue(id, 'p', base)
        await server.mergeValue!(id, 'p', patch)
        const stored = await raw.get(`{${server.prefix}:${id}}:p`)
        const expected = mergeJsonText(JSON.stringify(base), JSON.stringify(patch))
        expect(stored).toBe(expected)
        // Merged twice on the client: the second value is built from the first's (no parse).
        await cached.create(`c${id}`, { expiresAt: clock.now() + 60_000 })
        await cached.setValue(`c${id}`, 'p', base)
        expect((await cached.mergeValue!(`c${id}`, 'p', patch)).value).toEqual(JSON.parse(expected))
        const again = await cached.mergeValue!(`c${id}`, 'p', base)
        const text = String(await raw.get(`{${server.prefix}:c${id}}:p`))
        expect(text).toBe(mergeJsonText(expected, JSON.stringify(base)))
        expect(JSON.stringify(again.value)).toBe(JSON.stringify(JSON.parse(text)))
        expect(Object.isFrozen(again.value)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('stores the client merge only over the text it started from; a stale copy is merged by the server', async () => {
    await cached.create('s', { expiresAt: clock.now() + 60_000 })
    await cached.setValue('s', 'p', { a: 1, b: 2 })
    // Another process (no copy) changes the value behind this one's back.
    await server.mergeValue!('s', 'p', { b: 3, c: 4 })
    const merged = await cached.mergeValue!('s', 'p', { d: 5 })
    expect(merged.value).toEqual({ a: 1, b: 3, c: 4, d: 5 })
    expect(merged.version).toBe(3)
    // Now the copy is current: the result is the client's, and the same.
    expect((await cached.mergeValue!('s', 'p', { a: null })).value).toEqual({ b: 3, c: 4, d: 5 })
    expect((await server.getValue('s', 'p'))?.value).toEqual({ b: 3, c: 4, d: 5 })
    // Even a copy that equals the stored text after a delete and a rewrite merges correctly: the
    // result depends only on the text compared, never on the version.
    await server.deletePart('s', 'p')
    await server.setValue('s', 'p', { b: 3, c: 4, d: 5 })
    expect((await cached.mergeValue!('s', 'p', { e: 6 })).value).toEqual({ b: 3, c: 4, d: 5, e: 6 })
  })
})
