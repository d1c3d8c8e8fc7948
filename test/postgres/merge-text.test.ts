import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { mergeJsonText } from '../../src/store/merge-text.js'
import { jsonObject } from '../helpers/json-objects.js'
import { postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'

// mergeValue merges on the client when this process holds the part's text, and the server's
// function merges when it does not (or holds a stale one): both must give the same text, byte for
// byte, or a value's key order would depend on which process wrote it last.

const object = jsonObject

describe.runIf(postgresUrl !== undefined)('mergeJsonText and the Postgres merge agree', () => {
  const postgres = usePostgres()
  const clock = createManualClock(1_000_000)

  it('gives the same text as the server for any object and patch (200 cases)', async () => {
    const schema = uniqueSchema()
    // Same tables: one store merges on the server (no copy kept), the other on the client.
    const server = await postgres.makeStore(clock, { schema, valueCacheBytes: 0 })
    const cached = await postgres.makeStore(clock, { schema })
    const stored = async (id: string) =>
      (await postgres.pool().query(`SELECT value FROM "${schema}".records_parts WHERE record_id = $1`, [id]))
        .rows[0]?.value
    let n = 0
    await fc.assert(
      fc.asyncProperty(object, object, async (base, patch) => {
        const expected = mergeJsonText(JSON.stringify(base), JSON.stringify(patch))
        const id = `m${n++}`
        await server.create(id, { expiresAt: clock.now() + 60_000 })
        await server.setValue(id, 'p', base)
        await server.mergeValue!(id, 'p', patch)
        expect(await stored(id)).toBe(expected)
        await cached.create(`c${id}`, { expiresAt: clock.now() + 60_000 })
        await cached.setValue(`c${id}`, 'p', base)
        const merged = await cached.mergeValue!(`c${id}`, 'p', patch)
        expect(await stored(`c${id}`)).toBe(expected)
        expect(merged).toEqual({ value: JSON.parse(expected), version: 2 })
        // The next merge builds its value from this one's (no parse): the same value, frozen.
        const again = await cached.mergeValue!(`c${id}`, 'p', base)
        const text = await stored(`c${id}`)
        expect(text).toBe(mergeJsonText(expected, JSON.stringify(base)))
        expect(JSON.stringify(again.value)).toBe(JSON.stringify(JSON.parse(text)))
        expect(Object.isFrozen(again.value)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('stores the client merge only over the text it started from; a stale copy is merged by the server', async () => {
    const schema = uniqueSchema()
    const server = await postgres.makeStore(clock, { schema, valueCacheBytes: 0 })
    const cached = await postgres.makeStore(clock, { schema })
    await cached.create('s', { expiresAt: clock.now() + 60_000 })
    await cached.setValue('s', 'p', { a: 1, b: 2 })
    // Another process (no copy) changes the value behind this one's back.
    await server.mergeValue!('s', 'p', { b: 3, c: 4 })
    const merged = await cached.mergeValue!('s', 'p', { d: 5 })
    expect(merged).toEqual({ value: { a: 1, b: 3, c: 4, d: 5 }, version: 3 })
    // Now the copy is current: the result is the client's, and the same.
    expect((await cached.mergeValue!('s', 'p', { a: null })).value).toEqual({ b: 3, c: 4, d: 5 })
    expect(await server.getValue('s', 'p')).toEqual({ value: { b: 3, c: 4, d: 5 }, version: 4 })
    // A copy equal to the stored text after a delete and a rewrite merges correctly: the result
    // depends only on the text compared, never on the version.
    await server.deletePart('s', 'p')
    await server.setValue('s', 'p', { b: 3, c: 4, d: 5 })
    expect(await cached.mergeValue!('s', 'p', { e: 6 })).toEqual({
      value: { b: 3, c: 4, d: 5, e: 6 },
      version: 2,
    })
    // A copy never revives what the server ended: another kind, an expired part, a missing record.
    await server.deletePart('s', 'p')
    await server.push('s', 'p', ['x'], { max: 5 })
    await expect(cached.mergeValue!('s', 'p', { f: 7 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await cached.create('t', { expiresAt: clock.now() + 60_000 })
    await cached.setValue('t', 'p', { a: 1 }, { partExpiresAt: clock.now() + 1000 })
    clock.advance(2000)
    expect(await cached.mergeValue!('t', 'p', { b: 2 })).toEqual({ value: { b: 2 }, version: 1 })
    await server.delete('t')
    await expect(cached.mergeValue!('t', 'p', { c: 3 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  // With a touch step the statement has no UPDATE of the record and leaves the merges that must
  // move the expiry to the function: each store's expiry moves every other merge here.
  it.each([0, 60_000])(
    'four stores (four caches) patching one value at once lose no key, touch step %i: stale copies are merged by the server',
    async (touchStepMs) => {
      const schema = uniqueSchema()
      const stores = await Promise.all(
        [0, 1, 2, 3].map(() => postgres.makeStore(clock, { schema, touchStepMs })),
      )
      const start = clock.now()
      await stores[0]!.create('shared', { expiresAt: start + 60_000 })
      await stores[0]!.setValue('shared', 'p', { start: true })
      await Promise.all(
        stores.map(async (store, s) => {
          await store.getValue('shared', 'p')
          for (let i = 0; i < 50; i++) {
            const expiresAt = start + 60_000 + i * 30_000
            await store.mergeValue!('shared', 'p', { [`s${s}-${i}`]: i }, { expiresAt })
          }
        }),
      )
      // Every store's last merge asked for the same expiry; the last one written is within a step of it.
      const last = start + 60_000 + 49 * 30_000
      const expiry = (await stores[0]!.meta('shared'))!.expiresAt
      expect(last - expiry).toBeGreaterThanOrEqual(0)
      expect(last - expiry).toBeLessThan(Math.max(touchStepMs, 30_001))
      const final = await stores[0]!.getValue<Record<string, unknown>>('shared', 'p')
      expect(final?.version).toBe(201)
      expect(Object.keys(final?.value ?? {})).toHaveLength(201)
    },
  )

  it('a result past maxBytes from the copy is refused by the server and changes nothing', async () => {
    const store = await postgres.makeStore(clock)
    await store.create('r', { expiresAt: clock.now() + 60_000 })
    await store.setValue('r', 'p', { a: 'x'.repeat(40) })
    const before = clock.now() + 60_000
    await expect(
      store.mergeValue!('r', 'p', { b: 'y'.repeat(40) }, { maxBytes: 64, expiresAt: before + 5000 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(await store.getValue('r', 'p')).toEqual({ value: { a: 'x'.repeat(40) }, version: 1 })
    expect((await store.meta('r'))?.expiresAt).toBe(before)
    // The copy is still good for the next merge.
    expect((await store.mergeValue!('r', 'p', { a: 1 })).value).toEqual({ a: 1 })
  })

  // PostgreSQL text holds no NUL and no lone surrogate, so its merge refuses a value or patch whose
  // JSON escapes one, and the store merges those here: on the texts, like every other path.
  it('merges a value the server cannot read on the texts: the same text, a frozen value that shares nothing with the patch', async () => {
    const schema = uniqueSchema()
    const writer = await postgres.makeStore(clock, { schema })
    // No copy of the text: the statement goes to the server, which answers that it cannot merge.
    const other = await postgres.makeStore(clock, { schema, valueCacheBytes: 0 })
    const stored = async (id: string) =>
      (await postgres.pool().query(`SELECT value FROM "${schema}".records_parts WHERE record_id = $1`, [id]))
        .rows[0]?.value
    for (const [id, base] of [
      ['nul', { 'k\u0000': 'v\u0000', a: 1 }],
      ['surrogate', { a: 'x\ud800y' }],
    ] as const) {
      await writer.create(id, { expiresAt: clock.now() + 60_000 })
      await writer.setValue(id, 'p', base)
      // An integer-like key added after the others: the text merge keeps it last, as the server's.
      const patch = { '10': 0, nested: { list: [1, 2] }, a: null }
      const merged = await other.mergeValue!(id, 'p', patch)
      expect(await stored(id)).toBe(mergeJsonText(JSON.stringify(base), JSON.stringify(patch)))
      expect(merged.version).toBe(2)
      expect(merged.value).toEqual(JSON.parse(await stored(id)))
      expect(Object.isFrozen(merged.value)).toBe(true)
      expect(Object.isFrozen(merged.value.nested)).toBe(true)
      patch.nested.list.push(3)
      expect(merged.value.nested).toEqual({ list: [1, 2] })
    }
  })
})
