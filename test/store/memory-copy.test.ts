import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RESERVED_NAMES } from '../../src/ids.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { frozenJsonCopy } from '../../src/store/memory-copy.js'
import { heapOverhead } from '../../src/store/memory-size.js'

describe('frozenJsonCopy (memory store writes, no parse round trip)', () => {
  it('copies and freezes all the way down; the caller’s later changes never reach the copy', () => {
    const input = { a: [1, { b: 'x' }], c: { d: null } }
    const copy = frozenJsonCopy(input, 32, 'value') as typeof input
    input.a.push(2)
    ;(input.a[1] as { b: string }).b = 'changed'
    input.c.d = 1 as never
    expect(copy).toEqual({ a: [1, { b: 'x' }], c: { d: null } })
    expect(Object.isFrozen(copy) && Object.isFrozen(copy.a) && Object.isFrozen(copy.a[1])).toBe(true)
  })

  it('reads each property once: a getter cannot show the size check one value and the store another', async () => {
    const store = createMemoryStore({ maxValueBytes: 100 })
    await store.create('s', { expiresAt: Date.now() + 60_000 })
    let reads = 0
    const hostile = {
      get big() {
        reads++
        return reads === 1 ? 'small' : 'x'.repeat(10_000)
      },
    }
    await store.setValue('s', 'p', hostile)
    expect(reads).toBe(1)
    expect((await store.getValue('s', 'p'))?.value).toEqual({ big: 'small' })
    // A getter that answers something else than JSON is refused as any non-JSON value.
    await expect(
      store.setValue('s', 'p', {
        get f() {
          return (() => 1) as never
        },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(store.bytes).toBeLessThan(2_000)
  })

  it('keeps what JSON keeps: enumerable keys only, -0 as 0; refuses what the check refuses', () => {
    const hidden = Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false })
    expect(frozenJsonCopy(hidden, 32, 'v')).toEqual({ shown: 1 })
    expect(Object.is(frozenJsonCopy(-0, 32, 'v'), 0)).toBe(true)
    expect(() => frozenJsonCopy({ n: Number.NaN }, 32, 'v')).toThrow(/finite number/)
    // The error names the path to the refused value, through arrays and objects.
    expect(() => frozenJsonCopy({ a: [1, { b: Number.NaN }] }, 32, 'v')).toThrow(
      'v.a[1].b must be a finite number; got NaN',
    )
    expect(() => frozenJsonCopy([{ ok: 1 }, { f: () => 1 }], 32, 'v')).toThrow(
      'v[1].f must be JSON; got function',
    )
    expect(() => frozenJsonCopy({ a: { b: [[1]] } }, 3, 'v')).toThrow('v nests too deep at v.a.b[0]')
    expect(() => frozenJsonCopy(JSON.parse('{"__proto__":1}'), 32, 'v')).toThrow(/refused/)
    expect(() => frozenJsonCopy(new Date(), 32, 'v')).toThrow(/plain object/)
    expect(() => frozenJsonCopy({ [Symbol('s')]: 1 }, 32, 'v')).toThrow(/symbol/)
    const deep: unknown[] = []
    let at = deep
    for (let i = 0; i < 40; i++) {
      const inner: unknown[] = []
      at[0] = inner
      at = inner
    }
    expect(() => frozenJsonCopy(deep, 32, 'v')).toThrow(/nests too deep/)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => frozenJsonCopy(cycle, 32, 'v')).toThrow(/nests too deep/)
  })

  it('counts, in the same pass, the JSON bytes and the heap overhead memory-size.ts gives for the copy', () => {
    const key = fc.string({ unit: 'binary' }).filter((k) => !RESERVED_NAMES.has(k))
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(
          null,
          true,
          false,
          0,
          -0,
          1.5,
          1e21,
          5e-7,
          -9007199254740991,
          1e16,
          '',
          'é',
          '日本',
          '😀',
          '\ud800',
          'a"\\\n\u0001\u007f',
        ),
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.string({ unit: 'binary' }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 4 }),
      ),
    })).value
    fc.assert(
      fc.property(json, (value) => {
        const size = { overhead: 0, json: 0 }
        const copy = frozenJsonCopy(value, 32, 'v', size)
        expect(size.overhead).toBe(heapOverhead(copy))
        expect(size.json).toBe(Buffer.byteLength(JSON.stringify(copy), 'utf8'))
      }),
      { numRuns: 500 },
    )
    const hidden = Object.defineProperty({ shown: 'a' }, 'hidden', { value: [1, 2], enumerable: false })
    const size = { overhead: 0, json: 0 }
    frozenJsonCopy(hidden, 32, 'v', size)
    expect(size.overhead).toBe(heapOverhead({ shown: 'a' }))
    expect(size.json).toBe('{"shown":"a"}'.length)
  })
})
