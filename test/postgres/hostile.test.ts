import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import { createPostgresStore, type PgPoolLike, type PgQuery } from '../../src/postgres/index.js'
import type { SessionStore } from '../../src/store/contract.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'
import { freePort } from '../integration/redis-harness.js'

const MINUTE = 60_000

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call()
  } catch (error) {
    return error
  }
  return undefined
}

describe('Postgres store options (no server)', () => {
  const pool = { query: async () => ({ rows: [], rowCount: 0 }), connect: async () => ({}) as never }
  it.each<[string, object]>([
    ['pool', { pool: { query: () => undefined } }],
    ['pool', {}],
    ['commandTimeoutMs', { pool, commandTimeoutMs: 0 }],
    ['sweepIntervalMs', { pool, sweepIntervalMs: -1 }],
    ['sweepBatchSize', { pool, sweepBatchSize: 1.5 }],
    ['clock', { pool, clock: Date }],
    ['poool', { pool, poool: 1 }],
  ])('refuses a bad %s with INVALID_CONFIG naming it', (option, options) => {
    let caught: unknown
    try {
      createPostgresStore(options as never)
    } catch (error) {
      caught = error
    }
    expect(isSessionKitError(caught, 'INVALID_CONFIG') && caught.details?.option).toBe(option)
  })
})

describe.runIf(postgresUrl !== undefined)('Postgres store under hostile input and failures', () => {
  const postgres = usePostgres()

  it('keeps NUL, quotes and SQL in names, keys and values exactly, and lone surrogates in values', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    const id = 'hostile'
    const strange = ['a\u0000b', "'; DROP TABLE records; --", '"\\', '\u2028', '💥', '\ufffd']
    const facts = Object.fromEntries(strange.map((s, i) => [s, { i, s }]))
    await store.create(id, { expiresAt: store.clock.now() + MINUTE, data: facts })
    expect({ ...(await store.meta(id))?.data }).toEqual(facts)
    const fields = Object.fromEntries(strange.map((s) => [s, s]))
    await store.updateMap(id, 'm', { set: fields })
    expect({ ...(await store.getMap(id, 'm')).entries }).toEqual(fields)
    expect({ ...(await store.getMap(id, 'm', ['a\u0000b'])).entries }).toEqual({ 'a\u0000b': 'a\u0000b' })
    const values = [...strange, '\ud800', '\udc00']
    await store.setValue(id, 'v', values)
    expect((await store.getValue(id, 'v'))?.value).toEqual(values)
    // A name or key with a lone surrogate is refused, as by every store (on Redis, UTF-8 would
    // turn '\ud800' and '\udc00' into one U+FFFD), and changes nothing.
    await store.push(id, 'log', ['x'], { max: 10, idempotencyKey: 'k\u0000' })
    for (const lone of ['\ud800', 'x\udbff']) {
      await expect(store.push(id, 'log', ['y'], { max: 10, idempotencyKey: lone })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      await expect(store.updateMap(id, 'm', { set: { [lone]: 1 } })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
      await expect(store.patchMeta(id, { [lone]: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    }
    expect((await store.range(id, 'log', 0, -1)).lastSeq).toBe(1)
    expect({ ...(await store.getMap(id, 'm')).entries }).toEqual(fields)
    const patched = await store.patchMeta(id, { 'a\u0000b': null }, { ifData: { '💥': { i: 4, s: '💥' } } })
    expect(patched?.data['a\u0000b']).toBe(undefined)
  })

  it('merges values holding NUL and lone surrogates exactly (the merge is then done with compare-and-set)', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    await store.create('m', { expiresAt: store.clock.now() + MINUTE })
    await store.setValue('m', 'prefs', { 'a\u0000b': '\ud800', keep: { x: 1 } })
    const merged = await store.mergeValue!('m', 'prefs', { keep: { y: '\u0000' }, '\udc00': 1 })
    const expected = { 'a\u0000b': '\ud800', keep: { x: 1, y: '\u0000' }, '\udc00': 1 }
    expect(merged).toEqual({ value: expected, version: 2 })
    expect(await store.getValue('m', 'prefs')).toEqual({ value: expected, version: 2 })
    // Back to plain text: the server merges again.
    await store.setValue('m', 'prefs', { plain: 1 })
    expect(await store.mergeValue!('m', 'prefs', { more: [1] })).toEqual({
      value: { plain: 1, more: [1] },
      version: 4,
    })
  })

  it('stores a merged value as the text JSON.stringify gives it, untouched members byte for byte', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    await store.create('t', { expiresAt: store.clock.now() + MINUTE })
    const base = {
      n: 1e21,
      small: -1.5e-7,
      s: 'a"\\\n\u0001é💥',
      deep: { a: [1, { b: null }], c: {} },
      gone: 1,
    }
    await store.setValue('t', 'prefs', base)
    const patch = { deep: { c: { d: 'x' }, a: null }, gone: null, 'new"key': { z: null, y: [] } }
    await store.mergeValue!('t', 'prefs', patch)
    const stored = await postgres
      .pool()
      .query(`SELECT value FROM "${store.schema}".records_parts WHERE record_id = 't' AND name = 'prefs'`)
    const expected = { n: 1e21, small: -1.5e-7, s: base.s, deep: { c: { d: 'x' } }, 'new"key': { y: [] } }
    expect(stored.rows[0].value).toBe(JSON.stringify(expected))
  })

  it('takes the longest field names and keys the contract allows', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    await store.create('long', { expiresAt: store.clock.now() + MINUTE })
    // 256 control characters: 1,536 bytes once escaped as JSON, still within an index entry.
    const field = '\u0001'.repeat(256)
    await store.updateMap('long', 'm', { set: { [field]: 1 } })
    expect((await store.getMap('long', 'm')).entries[field]).toBe(1)
    expect(
      (await store.push('long', 'log', [1], { max: 5, idempotencyKey: '\u0002'.repeat(256) })).lastSeq,
    ).toBe(1)
  })

  it('sends one statement per store call, and leaves no transaction open', async () => {
    const sent: string[] = []
    const real = postgres.pool()
    // Each store call takes a connection for its statement: count what goes through it.
    const counting: PgPoolLike = {
      query: (query: PgQuery) => real.query(query as pg.QueryConfig),
      connect: async () => {
        const client = await real.connect()
        return {
          query: (query: PgQuery) => {
            sent.push(query.name ?? query.text)
            return client.query(query as pg.QueryConfig)
          },
          release: (error?: Error | boolean) => client.release(error),
        }
      },
    }
    const base = await postgres.makeStore(createManualClock(Date.now()))
    const store: SessionStore = createPostgresStore({
      pool: counting,
      schema: base.schema,
      sweepIntervalMs: 0,
    })
    const calls: [string, () => Promise<unknown>][] = [
      ['create', () => store.create('one', { expiresAt: Date.now() + MINUTE, data: { u: 'x' } })],
      ['meta', () => store.meta('one')],
      ['patchMeta', () => store.patchMeta('one', { k: 1 }, { ifData: { u: 'x' } })],
      ['touch', () => store.touch('one', Date.now() + 2 * MINUTE)],
      [
        'setValue',
        () => store.setValue('one', 'state', { a: 1 }, { ifVersion: 0, expiresAt: Date.now() + MINUTE }),
      ],
      ['getValue', () => store.getValue('one', 'state')],
      ['push', () => store.push('one', 'log', [1, 2, 3], { max: 2, idempotencyKey: 'k' })],
      ['range', () => store.range('one', 'log', 0, -1)],
      ['rangeBySeq', () => store.rangeBySeq('one', 'log', { limit: 1 })],
      [
        'updateMap',
        () => store.updateMap('one', 'cart', { set: { a: 1 }, incr: { n: 2 }, setIfAbsent: { t: 1 } }),
      ],
      ['getMap', () => store.getMap('one', 'cart')],
      ['touchMeta', () => store.touchMeta!('one', Date.now() + MINUTE, { ifDataAbsentOr: { u: 'x' } })],
      [
        'mergeValue',
        () => store.mergeValue!('one', 'prefs', { a: { b: 1 } }, { expiresAt: Date.now() + MINUTE }),
      ],
      ['readRecord', () => store.readRecord('one')],
      ['deletePart', () => store.deletePart('one', 'state')],
      ['count', () => store.count()],
      ['rename', () => store.rename('one', 'two', { tombstoneUntil: Date.now() + MINUTE })],
      ['delete', () => store.delete('two')],
      ['create over a tombstone', () => store.create('one', { expiresAt: Date.now() + MINUTE })],
    ]
    for (const [name, call] of calls) {
      sent.length = 0
      await call()
      expect(sent, name).toHaveLength(1)
    }
    const open = await real.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
    expect(open.rows[0].n).toBe(0)
  })

  it('locks one record only: a write held on one record does not hold up another, and times out cleanly', async () => {
    const store = await postgres.makeStore()
    await store.create('held', { expiresAt: Date.now() + MINUTE })
    await store.create('free', { expiresAt: Date.now() + MINUTE })
    const slow = createPostgresStore({
      pool: postgres.pool(),
      schema: store.schema,
      sweepIntervalMs: 0,
      // Long enough for the free record's write on a loaded machine; the held one waits forever.
      commandTimeoutMs: 1500,
    })
    const holder = await postgres.pool().connect()
    try {
      await holder.query('BEGIN')
      await holder.query(`SELECT 1 FROM "${store.schema}".records WHERE id = 'held' FOR UPDATE`)
      expect((await slow.setValue('free', 'state', 1)).ok).toBe(true)
      const error = await failure(() => slow.setValue('held', 'state', 1))
      expect(isSessionKitError(error, 'STORE_UNAVAILABLE')).toBe(true)
      expect((error as Error).message).toContain('commandTimeoutMs')
    } finally {
      await holder.query('ROLLBACK')
      holder.release()
    }
    expect((await store.getValue('held', 'state'))?.version ?? 0).toBeLessThanOrEqual(1)
    await slow.close()
  })

  it('undoes the expiry a failed updateMap would have moved (conflict, limits, kind)', async () => {
    const store = await postgres.makeStore(createManualClock(Date.now()))
    const expiresAt = store.clock.now() + MINUTE
    const later = { expiresAt: expiresAt + MINUTE }
    await store.create('r', { expiresAt })
    await store.updateMap('r', 'm', { set: { a: 'x', n: 1 } })
    await store.setValue('r', 'v', 1)
    expect(await store.updateMap('r', 'm', { set: { b: 1 } }, { ...later, ifVersion: 9 })).toEqual({
      ok: false,
      version: 1,
    })
    for (const call of [
      () => store.updateMap('r', 'm', { set: { b: 1 } }, { ...later, maxFields: 2 }),
      () => store.updateMap('r', 'm', { incr: { n: 5 } }, { ...later, maxNumber: 3 }),
      () => store.updateMap('r', 'm', { incr: { a: 1 } }, later),
      () => store.updateMap('r', 'v', { set: { b: 1 } }, later),
    ]) {
      const error = await failure(call)
      expect(isSessionKitError(error) && ['LIMIT_EXCEEDED', 'INVALID_ARGUMENT'].includes(error.code)).toBe(
        true,
      )
    }
    expect((await store.meta('r'))?.expiresAt).toBe(expiresAt)
    expect({ ...(await store.getMap('r', 'm')).entries }).toEqual({ a: 'x', n: 1 })
  })

  it('reports a server it cannot reach as STORE_UNAVAILABLE, with the driver error as cause', async () => {
    const pool = new pg.Pool({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
    })
    pool.on('error', () => {})
    const store = createPostgresStore({ pool, sweepIntervalMs: 0 })
    const error = await failure(() => store.meta('anything'))
    expect(isSessionKitError(error, 'STORE_UNAVAILABLE')).toBe(true)
    expect((error as Error).cause).toBeInstanceOf(Error)
    await store.close()
    expect(isSessionKitError(await failure(() => store.meta('x')), 'STORE_UNAVAILABLE')).toBe(true)
    await pool.end()
  })
})
