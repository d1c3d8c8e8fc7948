import fc from 'fast-check'
import { expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { isSessionKitError } from '../../src/errors.js'
import type { JsonValue, SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'

// Random sequences of store calls, run on the memory store and on another store with the same clock: every
// answer (value or error code) must match. The conformance suite checks the rules one by one; this
// finds what falls between them. Part names keep one kind each, so both stores see the same shapes.

type Op = { readonly name: string; run(store: SessionStore, clock: ManualClock): Promise<unknown> }

const ids = ['a', 'b']
const id = fc.constantFrom(...ids)
const ttl = fc.constantFrom(1, 1_000, 60_000)
// Expiries a write may pass: also now and the past (the part or record is gone at once).
const writeTtl = fc.constantFrom(-5, 0, 1, 1_000, 60_000)
const json: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('x', 'y', '', 'é', '\u0000', 'a\ud800', '\udc00', '\u2028', '\u0001"\\', '😀'),
  fc.constant(null),
  fc.record({ k: fc.integer({ min: 0, max: 3 }), z: fc.boolean() }),
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
)
// Header fact names: plain ones, and names with NUL, a lone surrogate, a colon, JSON punctuation.
const fact = fc.constantFrom('u', 'd', 'o', '\u0000', 'é\ud800', 'a:b', '"}', '')
const field = fc.constantFrom('f1', 'f2', 'f3', 'q', '\u0000', 'é\ud800', '😀')
const fields = fc.uniqueArray(field, { maxLength: 3 })
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
const at = (clock: ManualClock, ms: number | undefined) => (ms === undefined ? undefined : clock.now() + ms)
const step = (name: string, run: Op['run']): Op => ({ name, run })

const op: fc.Arbitrary<Op> = fc.oneof(
  fc
    .record({ id, ttl, data: fc.dictionary(fact, json) })
    .map((a) =>
      step(`create ${JSON.stringify(a)}`, (s, c) =>
        s.create(a.id, { expiresAt: c.now() + a.ttl, data: a.data }),
      ),
    ),
  id.map((i) => step(`meta ${i}`, (s) => s.meta(i))),
  fc
    .record({
      id,
      patch: fc.dictionary(fact, json),
      cond: opt(fc.dictionary(fact, json)),
      ttl: opt(writeTtl),
    })
    .map((a) =>
      step(`patchMeta ${JSON.stringify(a)}`, (s, c) =>
        s.patchMeta(a.id, a.patch, { ifData: a.cond, expiresAt: at(c, a.ttl) }),
      ),
    ),
  fc
    .record({ id, ttl: fc.integer({ min: -10, max: 120_000 }) })
    .map((a) => step(`touch ${JSON.stringify(a)}`, (s, c) => s.touch(a.id, c.now() + a.ttl))),
  id.map((i) => step(`delete ${i}`, (s) => s.delete(i))),
  fc
    .record({ id, part: fc.constantFrom('v1', 'l1', 'm1') })
    .map((a) => step(`getValue ${JSON.stringify(a)}`, (s) => s.getValue(a.id, a.part))),
  fc
    .record({ id, value: json, ifVersion: opt(fc.nat(3)), ttl: opt(writeTtl), partTtl: opt(writeTtl) })
    .map((a) =>
      step(`setValue ${JSON.stringify(a)}`, (s, c) =>
        s.setValue(a.id, 'v1', a.value, {
          ifVersion: a.ifVersion,
          expiresAt: at(c, a.ttl),
          partExpiresAt: at(c, a.partTtl),
        }),
      ),
    ),
  fc
    .record({
      id,
      patch: fc.dictionary(fc.constantFrom('k', 'z', 'n'), fc.oneof(json, fc.constant({ k: null }))),
      maxBytes: opt(fc.integer({ min: 1, max: 60 })),
      ttl: opt(writeTtl),
    })
    .map((a) =>
      step(`mergeValue ${JSON.stringify(a)}`, (s, c) =>
        s.mergeValue!(a.id, 'v1', a.patch, { maxBytes: a.maxBytes, expiresAt: at(c, a.ttl) }),
      ),
    ),
  fc
    .record({
      id,
      ttl: fc.integer({ min: -10, max: 120_000 }),
      cap: opt(fc.constantFrom('u', 'd')),
      owner: opt(json),
    })
    .map((a) =>
      step(`touchMeta ${JSON.stringify(a)}`, (s, c) =>
        s.touchMeta!(a.id, c.now() + a.ttl, {
          notAfter: a.cap,
          ifDataAbsentOr: a.owner === undefined ? undefined : { u: a.owner },
        }),
      ),
    ),
  fc
    .record({
      id,
      values: fc.array(json, { maxLength: 4 }),
      max: fc.integer({ min: 1, max: 5 }),
      key: opt(fc.constantFrom('k1', 'k2', '\u0000', '\ud800')),
      ttl: opt(writeTtl),
      partTtl: opt(writeTtl),
    })
    .map((a) =>
      step(`push ${JSON.stringify(a)}`, (s, c) =>
        s.push(a.id, 'l1', a.values, {
          max: a.max,
          idempotencyKey: a.key,
          expiresAt: at(c, a.ttl),
          partExpiresAt: at(c, a.partTtl),
        }),
      ),
    ),
  fc
    .record({ id, start: fc.integer({ min: -6, max: 6 }), stop: fc.integer({ min: -6, max: 6 }) })
    .map((a) => step(`range ${JSON.stringify(a)}`, (s) => s.range(a.id, 'l1', a.start, a.stop))),
  fc
    .record({
      id,
      afterSeq: opt(fc.nat(12)),
      beforeSeq: opt(fc.nat(12)),
      limit: fc.nat(4),
      newest: opt(fc.boolean()),
    })
    .map((a) => step(`rangeBySeq ${JSON.stringify(a)}`, (s) => s.rangeBySeq(a.id, 'l1', a))),
  fc
    .record({ id, fields: opt(fields) })
    .map((a) => step(`getMap ${JSON.stringify(a)}`, (s) => s.getMap(a.id, 'm1', a.fields))),
  fc
    .record({
      id,
      del: fields,
      set: fc.dictionary(field, json, { maxKeys: 2 }),
      absent: fc.dictionary(field, json, { maxKeys: 2 }),
      incr: fc.dictionary(field, fc.integer({ min: -3, max: 3 }), { maxKeys: 2 }),
      ifVersion: opt(fc.nat(3)),
      maxFields: opt(fc.nat(3)),
      maxNumber: opt(fc.integer({ min: 0, max: 4 })),
      partTtl: opt(writeTtl),
    })
    .map((a) =>
      step(`updateMap ${JSON.stringify(a)}`, (s, c) =>
        s.updateMap(
          a.id,
          'm1',
          { delete: a.del, set: a.set, setIfAbsent: a.absent, incr: a.incr },
          {
            ifVersion: a.ifVersion,
            maxFields: a.maxFields,
            maxNumber: a.maxNumber,
            partExpiresAt: at(c, a.partTtl),
          },
        ),
      ),
    ),
  fc
    .record({ id, part: fc.constantFrom('v1', 'l1', 'm1'), ttl: opt(writeTtl) })
    .map((a) =>
      step(`deletePart ${JSON.stringify(a)}`, (s, c) =>
        s.deletePart(a.id, a.part, { expiresAt: at(c, a.ttl) }),
      ),
    ),
  fc
    .record({ id, part: fc.constantFrom('v1', 'm1') })
    .map((a) => step(`range of another kind ${JSON.stringify(a)}`, (s) => s.range(a.id, a.part, 0, -1))),
  fc.constantFrom('', 'a', 'z').map((prefix) => step(`count ${prefix}`, (s) => s.count({ prefix }))),
  fc.constantFrom(0, 1, 500, 1_000, 60_000).map((ms) =>
    step(`advance ${ms}`, async (_s, c) => {
      c.advance(ms)
    }),
  ),
)

/** A comparable form of an answer: JSON with sorted keys (stores may order fields differently), or the error code. */
async function answer(call: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(sorted(await call())) ?? 'undefined'
  } catch (error) {
    return isSessionKitError(error) ? `error ${error.code}` : `foreign error ${String(error)}`
  }
}

function sorted(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(sorted)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key])
  return out
}

// Two hundred sequences of up to 40 calls, each on a fresh store: seconds on a quiet machine, and
// several times that while other suites load the server.
const TIMEOUT_MS = 180_000

/**
 * Registers the differential check: `makeStore(clock)` (called once per random sequence) must
 * answer every call exactly like a memory store on the same clock.
 */
export function differentialCheck(
  makeStore: (clock: ManualClock) => Promise<SessionStore> | SessionStore,
): void {
  it(
    'on random sequences of calls, with the clock moving between them',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }), async (ops) => {
          const clock = createManualClock(Date.now())
          const memory = createMemoryStore({ clock })
          const other = await makeStore(clock)
          try {
            for (const [i, step] of ops.entries()) {
              const expected = await answer(() => step.run(memory, clock))
              // Replay the same instant for the other store: an `advance` step moves the clock only once.
              if (step.name.startsWith('advance')) continue
              expect(`${i} ${step.name} -> ${await answer(() => step.run(other, clock))}`).toBe(
                `${i} ${step.name} -> ${expected}`,
              )
            }
          } finally {
            await Promise.all([memory.close(), other.close()])
          }
        }),
        { numRuns: 200 },
      )
    },
    TIMEOUT_MS,
  )
}
