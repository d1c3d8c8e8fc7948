import type { CheckContext } from './suite-types.js'
import { MINUTE, type StoreCheck } from './suite-types.js'

/** A record with one part of each kind, a deleted list, an idempotency key and a part with its own expiry. */
async function filled(t: CheckContext): Promise<string> {
  const from = t.id('a')
  await t.store.create(from, { expiresAt: t.at(10 * MINUTE), data: { userId: 'u1', device: 'web' } })
  await t.store.setValue(from, 'state', { step: 1 })
  await t.store.setValue(from, 'state', { step: 2 })
  await t.store.push(from, 'log', ['a', 'b'], { max: 10, idempotencyKey: 'k1' })
  await t.store.push(from, 'gone', ['x'], { max: 10 })
  await t.store.deletePart(from, 'gone')
  await t.store.updateMap(from, 'cart', { set: { sku: 1 } })
  await t.store.setValue(from, 'short', 'soon', { partExpiresAt: t.at(2 * MINUTE) })
  return from
}

/** Asserts nothing is left under `id`: reads see a missing record, writes fail, create is refused. */
async function ended(t: CheckContext, id: string): Promise<void> {
  t.expect(await t.store.meta(id)).toBe(undefined)
  t.expect(await t.store.getValue(id, 'state')).toBe(undefined)
  t.expect((await t.store.range(id, 'log', 0, -1)).length).toBe(0)
  t.expect((await t.store.getMap(id, 'cart')).version).toBe(0)
  t.expect(await t.store.readRecord(id)).toBe(undefined)
  await t.fails(() => t.store.setValue(id, 'state', 'late'), 'NOT_FOUND')
  await t.fails(() => t.store.push(id, 'log', ['late'], { max: 10 }), 'NOT_FOUND')
  t.expect(await t.store.touch(id, t.at(MINUTE))).toBe(false)
  t.expect(await t.store.create(id, { expiresAt: t.at(MINUTE) })).toBe(false)
}

/** Checks of `rename`: one atomic move of a record and all its state to a new id, ending the old one. */
export const renameChecks: readonly StoreCheck[] = [
  {
    name: 'renameTarget gives a fresh 22-character base64url id each time',
    async run({ store, expect, id }) {
      const a = store.renameTarget(id('a'))
      const b = store.renameTarget(id('a'))
      expect(/^[A-Za-z0-9_-]{22}$/.test(a)).toBe(true)
      expect(a === b).toBe(false)
    },
  },
  {
    name: 'rename moves the header and every part with its versions, seqs, idempotency keys and own expiries',
    async run(t) {
      const from = await filled(t)
      const to = t.store.renameTarget(from)
      const meta = await t.store.rename(from, to, { tombstoneUntil: t.at(60 * MINUTE) })
      t.expect(meta?.id).toBe(to)
      t.expect(meta?.createdAt).toBe(t.clock.now())
      t.expect(meta?.expiresAt).toBe(t.at(10 * MINUTE))
      t.expect({ ...meta?.data }).toEqual({ userId: 'u1', device: 'web' })
      t.expect(await t.store.getValue(to, 'state')).toEqual({ value: { step: 2 }, version: 2 })
      t.expect((await t.store.range(to, 'log', 0, -1)).entries.map((e) => [e.seq, e.value])).toEqual([
        [1, 'a'],
        [2, 'b'],
      ])
      const retry = await t.store.push(to, 'log', ['a', 'b'], { max: 10, idempotencyKey: 'k1' })
      t.expect([retry.duplicate, retry.firstSeq]).toEqual([true, 1])
      t.expect((await t.store.push(to, 'gone', ['y'], { max: 10 })).firstSeq).toBe(2)
      const cart = await t.store.getMap(to, 'cart')
      t.expect([{ ...cart.entries }, cart.version]).toEqual([{ sku: 1 }, 1])
      t.expect((await t.store.getValue(to, 'short'))?.value).toBe('soon')
      t.clock.advance(2 * MINUTE)
      t.expect(await t.store.getValue(to, 'short')).toBe(undefined)
      t.expect((await t.store.getValue(to, 'state'))?.version).toBe(2)
    },
  },
  {
    name: 'after rename nothing is left under the old id, and it can never be created again before tombstoneUntil',
    async run(t) {
      const from = await filled(t)
      await t.store.rename(from, t.store.renameTarget(from), { tombstoneUntil: t.at(60 * MINUTE) })
      await ended(t, from)
      t.clock.advance(30 * MINUTE)
      t.expect(await t.store.create(from, { expiresAt: t.at(MINUTE) })).toBe(false)
    },
  },
  {
    name: 'rename applies patch and expiresAt, and the moved record expires by them',
    async run({ store, clock, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { userId: 'u1', device: 'web' } })
      await store.push(id('a'), 'log', ['m'], { max: 10 })
      const to = store.renameTarget(id('a'))
      const meta = await store.rename(id('a'), to, {
        tombstoneUntil: at(60 * MINUTE),
        expiresAt: at(30 * MINUTE),
        patch: { device: null, userId: 'u2', plan: { tier: 'pro' } },
      })
      expect({ ...meta?.data }).toEqual({ userId: 'u2', plan: { tier: 'pro' } })
      expect({ ...(await store.meta(to))?.data }).toEqual({ userId: 'u2', plan: { tier: 'pro' } })
      clock.advance(30 * MINUTE - 1)
      expect((await store.range(to, 'log', 0, -1)).length).toBe(1)
      clock.advance(1)
      expect(await store.meta(to)).toBe(undefined)
    },
  },
  {
    name: 'rename with ifData moves only when every condition holds; otherwise undefined and nothing changes',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { userId: 'u1' } })
      const to = store.renameTarget(id('a'))
      const refused = await store.rename(id('a'), to, {
        tombstoneUntil: at(MINUTE),
        ifData: { userId: null },
        patch: { userId: 'u2' },
      })
      expect(refused).toBe(undefined)
      expect((await store.meta(id('a')))?.data.userId).toBe('u1')
      expect(await store.meta(to)).toBe(undefined)
      expect(await store.create(to, { expiresAt: at(MINUTE) })).toBe(true)
      const other = store.renameTarget(id('a'))
      const moved = await store.rename(id('a'), other, {
        tombstoneUntil: at(MINUTE),
        ifData: { userId: 'u1' },
      })
      expect(moved?.id).toBe(other)
    },
  },
  {
    name: 'rename of a missing or expired record throws NOT_FOUND and creates nothing',
    async run({ store, clock, expect, id, at, fails }) {
      const never = store.renameTarget(id('never'))
      await fails(() => store.rename(id('never'), never, { tombstoneUntil: at(MINUTE) }), 'NOT_FOUND')
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      clock.advance(MINUTE)
      const to = store.renameTarget(id('a'))
      await fails(() => store.rename(id('a'), to, { tombstoneUntil: at(MINUTE) }), 'NOT_FOUND')
      for (const target of [never, to]) {
        expect(await store.meta(target)).toBe(undefined)
        expect(await store.create(target, { expiresAt: at(MINUTE) })).toBe(true)
      }
    },
  },
  {
    name: 'rename onto a live record or a live tombstone throws CONFLICT and changes nothing',
    async run({ store, expect, id, at, fails }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { n: 1 } })
      const live = store.renameTarget(id('a'))
      await store.create(live, { expiresAt: at(MINUTE), data: { n: 2 } })
      await fails(() => store.rename(id('a'), live, { tombstoneUntil: at(MINUTE) }), 'CONFLICT')
      const dead = store.renameTarget(id('a'))
      await store.create(dead, { expiresAt: at(MINUTE), tombstoneUntil: at(5 * MINUTE) })
      await store.delete(dead)
      await fails(() => store.rename(id('a'), dead, { tombstoneUntil: at(MINUTE) }), 'CONFLICT')
      expect((await store.meta(id('a')))?.data.n).toBe(1)
      expect((await store.meta(live))?.data.n).toBe(2)
      expect(await store.meta(dead)).toBe(undefined)
    },
  },
  {
    name: 'concurrent renames of one record: exactly one wins, the others throw NOT_FOUND and leave nothing',
    async run({ store, expect, id, at }) {
      await store.create(id('a'), { expiresAt: at(MINUTE) })
      await store.push(id('a'), 'log', ['m'], { max: 10 })
      const targets = Array.from({ length: 20 }, () => store.renameTarget(id('a')))
      const results = await Promise.allSettled(
        targets.map((to) => store.rename(id('a'), to, { tombstoneUntil: at(MINUTE) })),
      )
      const won = results.flatMap((r, i) =>
        r.status === 'fulfilled' && r.value !== undefined ? [targets[i]!] : [],
      )
      expect(won.length).toBe(1)
      const codes = results.flatMap((r) =>
        r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [],
      )
      expect(codes).toEqual(Array.from({ length: 19 }, () => 'NOT_FOUND'))
      for (const to of targets) {
        expect([to, (await store.range(to, 'log', 0, -1)).length]).toEqual([to, to === won[0] ? 1 : 0])
      }
    },
  },
  {
    name: 'bad rename arguments are INVALID_ARGUMENT and change nothing',
    async run({ store, expect, id, at, fails }) {
      await store.create(id('a'), { expiresAt: at(MINUTE), data: { n: 1 } })
      const to = store.renameTarget(id('a'))
      const bad: readonly [string, string, unknown][] = [
        [id('a'), id('a'), { tombstoneUntil: at(MINUTE) }],
        [id('a'), '__proto__', { tombstoneUntil: at(MINUTE) }],
        [id('a'), 'has space', { tombstoneUntil: at(MINUTE) }],
        [id('a'), to, undefined],
        [id('a'), to, {}],
        [id('a'), to, { tombstoneUntil: Number.NaN }],
        [id('a'), to, { tombstoneUntil: at(MINUTE), patch: JSON.parse('{"__proto__": 1}') }],
        [id('a'), to, { tombstoneUntil: at(MINUTE), patch: { n: undefined } }],
        [id('a'), to, { tombstoneUntil: at(MINUTE), ifData: [] }],
      ]
      for (const [from, target, options] of bad) {
        await fails(() => store.rename(from, target, options as never), 'INVALID_ARGUMENT')
      }
      expect((await store.meta(id('a')))?.data.n).toBe(1)
      expect(await store.meta(to)).toBe(undefined)
    },
  },
]
