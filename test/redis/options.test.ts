import { describe, expect, it } from 'vitest'
import { createRedisStore, fromIoredis, fromNodeRedis, type RedisClientLike } from '../../src/redis/index.js'

// A client that is never called: these checks run in the factory, before any command.
const unused: RedisClientLike = {
  evalsha: () => Promise.reject(new Error('not called')),
  eval: () => Promise.reject(new Error('not called')),
  masters: async () => [],
}

describe('createRedisStore options', () => {
  it('refuses a raw client that was not wrapped, and says how to wrap it', () => {
    expect(() => createRedisStore({ client: {} as RedisClientLike })).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('fromIoredis') }),
    )
  })

  it.each([
    ['prefix', { prefix: 'a:b' }],
    ['prefix', { prefix: '' }],
    ['prefix', { prefix: '{x}' }],
    ['commandTimeoutMs', { commandTimeoutMs: 0 }],
    ['expiryGraceMs', { expiryGraceMs: -1 }],
    ['maxValueBytes', { maxValueBytes: 1.5 }],
    ['scanCount', { scanCount: 0 }],
    ['clock', { clock: {} }],
    ['commandTimeoutMs', { commandTimeoutMs: 10 ** 9 }],
    ['commandTimeoutMS', { commandTimeoutMS: 100 }],
  ])('names the bad option %s', (option, bad) => {
    expect(() => createRedisStore({ client: unused, ...(bad as object) })).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIG', details: expect.objectContaining({ option }) }),
    )
  })

  it('says what it can do: shared atomicity, scan, durable, no expiry events', () => {
    const store = createRedisStore({ client: unused })
    expect(store.capabilities).toEqual({
      atomicity: 'shared',
      scan: true,
      expiryEvents: false,
      durable: true,
      commandTimeoutMs: 2000,
    })
    expect(store.prefix).toBe('sk')
    // The optional calls the conformance suite checks only when present: this store has them.
    expect([typeof store.touchMeta, typeof store.mergeValue]).toEqual(['function', 'function'])
  })

  it('shims pass keys and arguments in each client’s own calling convention', async () => {
    const calls: unknown[][] = []
    const io = fromIoredis({
      evalsha: async (...args: unknown[]) => calls.push(['evalsha', ...args]),
      eval: async (...args: unknown[]) => calls.push(['eval', ...args]),
    })
    await io.evalsha('abc', ['k1', 'k2'], ['a'])
    await io.eval('return 1', [], ['a', 'b'])
    const nr = fromNodeRedis({
      evalSha: async (...args: unknown[]) => calls.push(['evalSha', ...args]),
      eval: async (...args: unknown[]) => calls.push(['eval', ...args]),
    })
    await nr.evalsha('abc', ['k1'], ['a'])
    expect(calls).toEqual([
      ['evalsha', 'abc', 2, 'k1', 'k2', 'a'],
      ['eval', 'return 1', 0, 'a', 'b'],
      ['evalSha', 'abc', { keys: ['k1'], arguments: ['a'] }],
    ])
    expect(await io.masters()).toHaveLength(1)
  })
})
