import type { JsonValue } from '../store/contract.js'
import { type CheckContext, MINUTE, type StoreCheck } from './suite-types.js'

const badIds: readonly unknown[] = [
  '',
  'has space',
  '__proto__',
  'x'.repeat(129),
  'semi;colon',
  'slash/',
  42,
  null,
]
const badParts: readonly unknown[] = ['', 'Upper', '1digit', 'has space', '__proto__', 'a'.repeat(65), 7]
// Lone surrogates too: Redis and most clients encode names as UTF-8, where every lone surrogate
// becomes U+FFFD, so two distinct names would name one field.
const badFields: readonly unknown[] = ['', '__proto__', 'constructor', 'x'.repeat(257), 'a\ud800', '\udc00b']

class NotJson {
  readonly at = 1
}

function notJson(): readonly unknown[] {
  return [
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    () => 1,
    Symbol('s'),
    10n,
    new NotJson(),
    new Date(0),
    { nested: { bad: undefined } },
    [1, Number.NaN],
    JSON.parse('{"__proto__": {"polluted": true}}'),
  ]
}

async function unchanged(t: CheckContext): Promise<void> {
  t.expect((await t.store.getValue(t.id('a'), 'state'))?.version).toBe(1)
  t.expect((await t.store.range(t.id('a'), 'log', 0, -1)).lastSeq).toBe(1)
  t.expect((await t.store.getMap(t.id('a'), 'cart')).version).toBe(1)
  t.expect({ ...(await t.store.meta(t.id('a')))?.data }).toEqual({ k: 1 })
}

async function seeded(t: CheckContext): Promise<void> {
  await t.store.create(t.id('a'), { expiresAt: t.at(MINUTE), data: { k: 1 } })
  await t.store.setValue(t.id('a'), 'state', { ok: true })
  await t.store.push(t.id('a'), 'log', ['m'], { max: 10 })
  await t.store.updateMap(t.id('a'), 'cart', { set: { f: 1 } })
}

/** Checks that bad ids, part names, field names and values are refused with INVALID_ARGUMENT, changing nothing. */
export const validationChecks: readonly StoreCheck[] = [
  {
    name: 'bad record ids are INVALID_ARGUMENT for reads and writes, and create nothing',
    async run(t) {
      const s = t.store
      for (const bad of badIds) {
        const id = bad as string
        await t.fails(() => s.create(id, { expiresAt: t.at(MINUTE) }), 'INVALID_ARGUMENT')
        await t.fails(() => s.meta(id), 'INVALID_ARGUMENT')
        await t.fails(() => s.touch(id, t.at(MINUTE)), 'INVALID_ARGUMENT')
        await t.fails(() => s.getValue(id, 'state'), 'INVALID_ARGUMENT')
        await t.fails(() => s.setValue(id, 'state', 1), 'INVALID_ARGUMENT')
        await t.fails(() => s.push(id, 'log', [1], { max: 5 }), 'INVALID_ARGUMENT')
        await t.fails(() => s.range(id, 'log', 0, -1), 'INVALID_ARGUMENT')
        await t.fails(() => s.getMap(id, 'cart'), 'INVALID_ARGUMENT')
        await t.fails(() => s.updateMap(id, 'cart', { set: { a: 1 } }), 'INVALID_ARGUMENT')
        await t.fails(() => s.delete(id), 'INVALID_ARGUMENT')
      }
      t.expect(await s.meta('has_no_space')).toBe(undefined)
    },
  },
  {
    name: 'bad part names are INVALID_ARGUMENT and change nothing',
    async run(t) {
      await seeded(t)
      const s = t.store
      const id = t.id('a')
      for (const bad of badParts) {
        const part = bad as string
        await t.fails(() => s.setValue(id, part, 1), 'INVALID_ARGUMENT')
        await t.fails(() => s.getValue(id, part), 'INVALID_ARGUMENT')
        await t.fails(() => s.push(id, part, [1], { max: 5 }), 'INVALID_ARGUMENT')
        await t.fails(() => s.range(id, part, 0, -1), 'INVALID_ARGUMENT')
        await t.fails(() => s.updateMap(id, part, { set: { a: 1 } }), 'INVALID_ARGUMENT')
        await t.fails(() => s.getMap(id, part), 'INVALID_ARGUMENT')
        await t.fails(() => s.deletePart(id, part), 'INVALID_ARGUMENT')
      }
      await unchanged(t)
    },
  },
  {
    name: 'bad map and header field names are INVALID_ARGUMENT and change nothing',
    async run(t) {
      await seeded(t)
      const s = t.store
      const id = t.id('a')
      for (const bad of badFields) {
        const field = bad as string
        const fields = JSON.parse(`{${JSON.stringify(field)}: 1}`) as Record<string, number>
        await t.fails(() => s.updateMap(id, 'cart', { set: { ok: 1, ...fields } }), 'INVALID_ARGUMENT')
        await t.fails(() => s.updateMap(id, 'cart', { incr: fields }), 'INVALID_ARGUMENT')
        await t.fails(() => s.updateMap(id, 'cart', { delete: [field] }), 'INVALID_ARGUMENT')
        await t.fails(() => s.patchMeta(id, fields), 'INVALID_ARGUMENT')
      }
      await unchanged(t)
    },
  },
  {
    name: 'values that are not JSON are INVALID_ARGUMENT and change nothing',
    async run(t) {
      await seeded(t)
      const s = t.store
      const id = t.id('a')
      for (const bad of notJson()) {
        const value = bad as JsonValue
        await t.fails(() => s.setValue(id, 'state', value), 'INVALID_ARGUMENT')
        await t.fails(() => s.push(id, 'log', ['fine', value], { max: 10 }), 'INVALID_ARGUMENT')
        await t.fails(() => s.updateMap(id, 'cart', { set: { f: 2, g: value } }), 'INVALID_ARGUMENT')
        await t.fails(() => s.patchMeta(id, { k: 2, j: value }), 'INVALID_ARGUMENT')
      }
      await unchanged(t)
    },
  },
  {
    name: 'bad call arguments (max, expiry times, indices) are INVALID_ARGUMENT and change nothing',
    async run(t) {
      await seeded(t)
      const s = t.store
      const id = t.id('a')
      for (const max of [0, -1, 1.5, Number.NaN]) {
        await t.fails(() => s.push(id, 'log', [1], { max }), 'INVALID_ARGUMENT')
      }
      await t.fails(
        () => s.push(id, 'log', 'not an array' as unknown as JsonValue[], { max: 5 }),
        'INVALID_ARGUMENT',
      )
      for (const idempotencyKey of ['', 'k'.repeat(257), 'k\ud800']) {
        await t.fails(() => s.push(id, 'log', [1], { max: 5, idempotencyKey }), 'INVALID_ARGUMENT')
      }
      await t.fails(() => s.setValue(id, 'state', 1, { ifVersion: -1 }), 'INVALID_ARGUMENT')
      await t.fails(() => s.setValue(id, 'state', 1, { expiresAt: Number.NaN }), 'INVALID_ARGUMENT')
      await t.fails(() => s.touch(id, Number.NaN), 'INVALID_ARGUMENT')
      await t.fails(() => s.range(id, 'log', 0.5, 2), 'INVALID_ARGUMENT')
      await t.fails(() => s.create(t.id('b'), { expiresAt: Number.NaN }), 'INVALID_ARGUMENT')
      t.expect(await s.meta(t.id('b'))).toBe(undefined)
      await unchanged(t)
    },
  },
  {
    name: 'options with an unknown key (a misspelt one) are INVALID_ARGUMENT and change nothing',
    async run(t) {
      await seeded(t)
      const s = t.store
      const id = t.id('a')
      const typo = <T>(options: T) => options as never
      await t.fails(() => s.create(t.id('b'), typo({ expiresAt: t.at(MINUTE), dta: {} })), 'INVALID_ARGUMENT')
      await t.fails(() => s.setValue(id, 'state', 2, typo({ ifversion: 0 })), 'INVALID_ARGUMENT')
      await t.fails(
        () => s.push(id, 'log', ['x'], typo({ max: 10, idempotencykey: 'k' })),
        'INVALID_ARGUMENT',
      )
      await t.fails(
        () => s.updateMap(id, 'cart', { set: { f: 2 } }, typo({ maxField: 5 })),
        'INVALID_ARGUMENT',
      )
      await t.fails(() => s.updateMap(id, 'cart', typo({ sets: { f: 2 } })), 'INVALID_ARGUMENT')
      await t.fails(() => s.patchMeta(id, { k: 2 }, typo({ ifdata: { k: 1 } })), 'INVALID_ARGUMENT')
      await t.fails(() => s.deletePart(id, 'state', typo({ expiresat: t.at(MINUTE) })), 'INVALID_ARGUMENT')
      await t.fails(() => s.rangeBySeq(id, 'log', typo({ limit: 5, afterseq: 0 })), 'INVALID_ARGUMENT')
      await t.fails(() => s.count(typo({ prefx: 'a' })), 'INVALID_ARGUMENT')
      await t.fails(
        () => s.rename(id, t.id('c'), typo({ tombstoneUntil: t.at(MINUTE), ifdata: { k: 9 } })),
        'INVALID_ARGUMENT',
      )
      await t.fails(
        () => s.create(t.id('b'), typo({ expiresAt: t.at(MINUTE), tombstoneUntill: t.at(MINUTE) })),
        'INVALID_ARGUMENT',
      )
      // The optional calls, where the store has them.
      if (s.touchMeta !== undefined) {
        const touchMeta = s.touchMeta.bind(s)
        await t.fails(() => touchMeta(id, t.at(MINUTE), typo({ notafter: 'a' })), 'INVALID_ARGUMENT')
      }
      if (s.mergeValue !== undefined) {
        const mergeValue = s.mergeValue.bind(s)
        await t.fails(() => mergeValue(id, 'state', { k: 1 }, typo({ maxbytes: 10 })), 'INVALID_ARGUMENT')
      }
      t.expect(await s.meta(t.id('b'))).toBe(undefined)
      t.expect(await s.meta(t.id('c'))).toBe(undefined)
      await unchanged(t)
    },
  },
]
