import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSessionId, isValidSessionId, RESERVED_NAMES } from '../../src/ids.js'

// The rule isValidSessionId keeps, written as the pattern it replaced on the hot path.
const rule = (id: unknown) =>
  typeof id === 'string' && /^[A-Za-z0-9_-]{8,128}$/.test(id) && !RESERVED_NAMES.has(id)

describe('isValidSessionId', () => {
  it('accepts exactly 8 to 128 base64url characters that are not a reserved name', () => {
    const near = fc.string({
      unit: fc.constantFrom('a', 'Z', '0', '_', '-', '.', ' ', 'é', '\u0100', '\n', '\u007f'),
      maxLength: 140,
    })
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ unit: 'binary', maxLength: 140 })), (id) => {
        expect(isValidSessionId(id)).toBe(rule(id))
      }),
      { numRuns: 300 },
    )
    for (const id of [
      'a'.repeat(7),
      'a'.repeat(8),
      'a'.repeat(128),
      'a'.repeat(129),
      'constructor',
      'prototype',
      '__proto__',
    ]) {
      expect(isValidSessionId(id)).toBe(rule(id))
    }
    for (const id of [42, null, undefined, {}, ['abcdefghij']]) expect(isValidSessionId(id)).toBe(false)
    expect(isValidSessionId(createSessionId())).toBe(true)
  })
})
