import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { asFields, asFlag } from '../../src/redis/context.js'

describe('asFields (script replies of fields in one string)', () => {
  it('splits a reply of the expected number of fields, empty ones kept', () => {
    expect(asFields('continued abc 0  1', 5, 'place')).toEqual(['continued', 'abc', '0', '', '1'])
  })

  it.each([
    ['too few fields', 'a b', 3],
    ['too many fields', 'a b c d', 3],
    ['an array', ['a', 'b', 'c'], 3],
    ['a number', 1, 1],
    ['nothing', null, 1],
  ])('refuses %s as STORE_REJECTED naming the call', (_name, reply, count) => {
    let error: unknown
    try {
      asFields(reply, count, 'detection place')
    } catch (e) {
      error = e
    }
    expect(isSessionKitError(error, 'STORE_REJECTED')).toBe(true)
    expect((error as Error).message).toContain('detection place')
  })
})

describe('asFlag (script replies of 0 or 1)', () => {
  it('reads 1 as true and 0 as false', () => {
    expect(asFlag(1, 'detection bind')).toBe(true)
    expect(asFlag(0, 'detection bind')).toBe(false)
  })

  it.each([
    ['text', '1'],
    ['an array', [1]],
    ['another number', 2],
    ['nothing', null],
  ])('refuses %s as STORE_REJECTED naming the call', (_name, reply) => {
    let error: unknown
    try {
      asFlag(reply, 'detection bind')
    } catch (e) {
      error = e
    }
    expect(isSessionKitError(error, 'STORE_REJECTED')).toBe(true)
    expect((error as Error).message).toContain('detection bind')
  })
})
