import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createSessionKit } from '../../src/kit.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'
import { collect, fillUser } from '../helpers/user-data.js'

const TABLES = ['records', 'records_parts', 'records_entries', 'records_fields', 'records_keys']

describe.runIf(postgresUrl !== undefined)(
  'erasure and rotation leave no row named by a user or their ids (Postgres)',
  () => {
    const postgres = usePostgres()

    async function kitOn() {
      const store = await postgres.makeStore(createManualClock(Date.now()))
      return { kit: createSessionKit({ store }), schema: store.schema }
    }

    /** Every row of the store's tables as JSON text, tombstones apart. */
    async function rowsOf(schema: string): Promise<string[]> {
      const rows: string[] = []
      for (const table of TABLES) {
        const result = await postgres
          .pool()
          .query(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${table}" t`)
        rows.push(...result.rows.map((r) => String(r.row)))
      }
      return rows
    }

    it('after users.erase no row of the user remains; tombstones hold a digest and a time only', async () => {
      const { kit, schema } = await kitOn()
      const erin = await fillUser(kit, 'erin')
      const frank = await fillUser(kit, 'frank')
      const ids = [...erin.live, ...erin.ended]
      const named = (rows: string[]) => rows.filter((row) => [...ids, 'erin'].some((id) => row.includes(id)))
      expect(named(await rowsOf(schema)).length).toBeGreaterThan(10)

      expect(await kit.users.erase('erin')).toEqual({ sessions: 2, userRecord: true })
      expect(named(await rowsOf(schema))).toEqual([])
      const tombstones = await postgres
        .pool()
        .query(`SELECT * FROM "${schema}".records_tombstones ORDER BY digest`)
      // Two columns: the digest of an id and the end. One per ended id (both users') and per erased
      // session; frank's live sessions keep theirs on their own rows.
      expect(tombstones.fields.map((f) => f.name)).toEqual(['digest', 'until'])
      const digest = (id: string) => createHash('sha256').update(id).digest().subarray(0, 16).toString('hex')
      const held = tombstones.rows.map((row) => (row.digest as Buffer).toString('hex'))
      expect(held.sort()).toEqual([...ids, ...frank.ended].map(digest).sort())
      for (const row of tombstones.rows) expect(typeof row.until).toBe('number')
      // frank's data is all still there.
      expect((await collect(kit.users.export('frank'))).json.sessions).toHaveLength(2)
      expect((await kit.sessionsOf('frank')).map((i) => i.id).sort()).toEqual([...frank.live].sort())
    })

    it('regenerate leaves no row under the old id; the new id holds every part', async () => {
      const { kit, schema } = await kitOn()
      const s = await kit.create({ userId: 'u1' })
      await s.history.append({ role: 'user', content: 'hi' }, { idempotencyKey: 'r1' })
      await s.cart.add({ sku: 'A', name: 'Mug', unitPrice: 900 })
      await s.state.replace({ step: 1 })
      const moved = await kit.regenerate(s.id, { userId: 'u1' })
      expect((await rowsOf(schema)).filter((row) => row.includes(s.id))).toEqual([])
      const parts = await postgres
        .pool()
        .query(`SELECT name FROM "${schema}".records_parts WHERE record_id = $1 ORDER BY name`, [moved.id])
      expect(parts.rows.map((r) => r.name)).toEqual(['cart', 'history', 'state'])
      const keys = await postgres
        .pool()
        .query(`SELECT count(*)::int AS n FROM "${schema}".records_keys WHERE record_id = $1`, [moved.id])
      expect(keys.rows[0].n).toBe(1)
      expect((await moved.history.list()).messages.map((m) => m.content)).toEqual(['hi'])
    })
  },
)
