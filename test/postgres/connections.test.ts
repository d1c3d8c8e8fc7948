import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import {
  createPostgresStore,
  migrate,
  type PgPoolLike,
  type PgQuery,
  type PgResult,
} from '../../src/postgres/index.js'
import { createPool, postgresUrl, uniqueSchema } from '../helpers/postgres.js'

const MINUTE = 60_000

// The store's functions refuse a write by raising (so that what it had changed is undone), and
// `pg`'s own `pool.query` closes a connection after any failed statement. A client that sends
// refused writes on purpose (a full map, a wrong kind) would then make every one of them cost a
// new server process, its prepared statements and its compiled functions.
describe.runIf(postgresUrl !== undefined)('Postgres store connections', () => {
  it('keeps its connection when the server refuses a write, and drops it when the connection fails', async () => {
    const pool = createPool(2)
    let opened = 0
    pool.on('connect', () => {
      opened++
    })
    try {
      const schema = uniqueSchema()
      await migrate(pool, { schema })
      const store = createPostgresStore({ pool, schema, sweepIntervalMs: 0 })
      const now = Date.now()
      await store.create('full', { expiresAt: now + MINUTE })
      await store.updateMap('full', 'cache', { set: { a: 1 } }, { maxFields: 1 })
      await store.setValue('full', 'state', 1)
      const before = opened
      for (let i = 0; i < 20; i++) {
        // Refused after the record's expiry moved: raised on the server, undone there.
        await expect(
          store.updateMap(
            'full',
            'cache',
            { set: { [`b${i}`]: i } },
            { maxFields: 1, expiresAt: now + 2 * MINUTE },
          ),
        ).rejects.toSatisfy((error) => isSessionKitError(error, 'LIMIT_EXCEEDED'))
        await expect(
          store.updateMap('full', 'state', { set: { x: 1 } }, { expiresAt: now + 2 * MINUTE }),
        ).rejects.toSatisfy((error) => isSessionKitError(error))
        expect((await store.getMap('full', 'cache')).entries).toEqual({ a: 1 })
      }
      expect(opened - before).toBe(0)
      expect((await store.meta('full'))?.expiresAt).toBe(now + MINUTE)

      // A connection the server ends is not handed out again: the calls that meet it fail as
      // unavailable, and the next ones run on new connections.
      const pids = await Promise.all(
        [0, 1].map(
          async () => (await pool.query('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)')).rows[0].pid,
        ),
      )
      const killer = createPool(1)
      await killer.query({
        text: 'SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid',
        values: [pids],
      })
      await killer.end()
      for (let i = 0; i < 3; i++) {
        await store.meta('full').catch((error: unknown) => {
          expect(isSessionKitError(error, 'STORE_UNAVAILABLE')).toBe(true)
        })
      }
      expect(await store.meta('full')).toBeDefined()
      expect(opened - before).toBeGreaterThan(0)
      await store.close()
    } finally {
      await pool.end()
    }
  })

  it('drops a connection lost while its statement runs, and goes on on a new one', async () => {
    const pool = createPool(2)
    let opened = 0
    pool.on('connect', () => {
      opened++
    })
    const holder = createPool(2)
    try {
      const schema = uniqueSchema()
      await migrate(pool, { schema })
      const store = createPostgresStore({ pool, schema, sweepIntervalMs: 0, commandTimeoutMs: 30_000 })
      await store.create('held', { expiresAt: Date.now() + MINUTE })
      // Another session holds the row, so the store's touch waits on the server; its server
      // process is then ended mid-statement.
      const lock = await holder.connect()
      await lock.query('BEGIN')
      await lock.query(`SELECT 1 FROM "${schema}".records WHERE id = 'held' FOR UPDATE`)
      const before = opened
      // Its outcome is taken at once: the rejection may arrive before the terminate query answers,
      // and a rejection without a handler by then is reported as unhandled.
      const touch = store.touch('held', Date.now() + 2 * MINUTE).then(
        () => undefined,
        (error: unknown) => error,
      )
      let waiting: number[] = []
      // Only this test's statement: other files' tests share the server, so match its schema.
      for (let i = 0; i < 1000 && waiting.length === 0; i++) {
        const { rows } = await holder.query(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0`,
          [`"${schema}"`],
        )
        waiting = rows.map((row) => Number(row.pid))
        if (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect(waiting).toHaveLength(1)
      await holder.query('SELECT pg_terminate_backend($1::int)', [waiting[0]])
      expect(isSessionKitError(await touch, 'STORE_UNAVAILABLE')).toBe(true)
      await lock.query('ROLLBACK')
      lock.release()
      // The lost connection is not handed out again: the next calls work, on a new connection.
      for (let i = 0; i < 4; i++) expect(await store.touch('held', Date.now() + 2 * MINUTE)).toBe(true)
      expect(opened - before).toBe(1)
      await store.close()
    } finally {
      await holder.end()
      await pool.end()
    }
  })

  // On a `pg` client a statement goes as a prepared submittable built from its text (pg copies a
  // query config object on every call); any other client that speaks `query({ name, text, values })`
  // gets the config itself. Both answer alike.
  it('sends prepared submittables on a pg pool, and plain query configs to any other client', async () => {
    const pool = createPool(2)
    const seen: string[] = []
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown
      ;(client as unknown as { query: typeof query }).query = (config: unknown, ...rest: unknown[]) => {
        const q = config as { submit?: unknown; name?: unknown }
        seen.push(
          `${typeof q.submit === 'function' ? 'submittable' : 'config'} ${String(q.name).split(':')[0]}`,
        )
        return query(config, ...rest)
      }
    })
    // A pool of clients without `pg`'s class: each delegates to a real connection's config path.
    const plain: PgPoolLike = {
      query: (query) => pool.query(query),
      async connect() {
        const connection = await pool.connect()
        return {
          query: (query: PgQuery) => connection.query(query as never) as unknown as Promise<PgResult>,
          release: (error?: Error | boolean) => connection.release(error),
        }
      },
    }
    try {
      const schema = uniqueSchema()
      await migrate(pool, { schema })
      for (const [label, on] of [
        ['pg', pool],
        ['plain', plain],
      ] as const) {
        seen.length = 0
        const store = createPostgresStore({ pool: on, schema, sweepIntervalMs: 0 })
        const id = `both-${label}`
        await store.create(id, { expiresAt: Date.now() + MINUTE })
        await store.setValue(id, 'prefs', { a: 1 })
        expect((await store.mergeValue!(id, 'prefs', { b: 2 })).value).toEqual({ a: 1, b: 2 })
        // Named again on the same connections: the prepared statements are reused, not refused.
        expect((await store.mergeValue!(id, 'prefs', { c: 3 })).value).toEqual({ a: 1, b: 2, c: 3 })
        expect(await store.getValue(id, 'prefs')).toEqual({ value: { a: 1, b: 2, c: 3 }, version: 3 })
        // A write the server refuses by raising comes back as the store's error on both paths.
        await store.updateMap(id, 'cache', { set: { a: 1 } }, { maxFields: 1 })
        await expect(
          store.updateMap(
            id,
            'cache',
            { set: { b: 2 } },
            { maxFields: 1, expiresAt: Date.now() + 2 * MINUTE },
          ),
        ).rejects.toSatisfy((error) => isSessionKitError(error, 'LIMIT_EXCEEDED'))
        expect(seen.length).toBeGreaterThanOrEqual(7)
        expect(new Set(seen)).toEqual(
          new Set([label === 'pg' ? 'submittable sessionkit' : 'config sessionkit']),
        )
        await store.close()
      }
    } finally {
      await pool.end()
    }
  })
})
