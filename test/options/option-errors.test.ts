import { describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detect/index.js'
import { createReplyAssembler } from '../../src/detect/reply-stream.js'
import { isSessionKitError, type SessionKitError } from '../../src/errors.js'
import { selectContext } from '../../src/history/index.js'
import type { Session } from '../../src/kit/session.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { createPostgresStore, migrate, type PgPoolLike } from '../../src/postgres/index.js'
import { createRedisStore, type RedisClientLike, redisDetectionIndex } from '../../src/redis/index.js'
import { createMemoryStore } from '../../src/store/memory.js'

// Every factory answers a bad option the same way: INVALID_CONFIG, `details.option` naming it, and
// one message format, `<factory> option "<path>" <problem>`. An unknown key names the closest
// valid one (a typo must never be ignored silently).

const client: RedisClientLike = {
  evalsha: () => Promise.reject(new Error('not called')),
  eval: () => Promise.reject(new Error('not called')),
  masters: async () => [],
}

const pool: PgPoolLike = {
  query: () => Promise.reject(new Error('not called')),
  connect: () => Promise.reject(new Error('not called')),
}

const factories: Record<string, (options: object) => unknown> = {
  createSessionKit: (o) => createSessionKit(o as never),
  createMemoryStore: (o) => createMemoryStore(o as never),
  createRedisStore: (o) => createRedisStore({ client, ...o } as never),
  createPostgresStore: (o) => createPostgresStore({ pool, sweepIntervalMs: 0, ...o } as never),
  createDetector: (o) => createDetector(o as never),
  createRateLimiter: (o) => createRateLimiter({ rules, ...o } as never),
  redisDetectionIndex: (o) => redisDetectionIndex({ client, ...o } as never),
  createReplyAssembler: (o) => createReplyAssembler(o as never),
}
const rules = [{ name: 'requests', per: 'session', limit: 10, windowMs: 60_000 }]

function configError(factory: string, options: object): SessionKitError {
  try {
    factories[factory]!(options)
  } catch (error) {
    if (isSessionKitError(error, 'INVALID_CONFIG')) return error
    throw error
  }
  throw new Error(`${factory} accepted ${JSON.stringify(options)}`)
}

describe('option errors, one format for every factory', () => {
  it.each([
    ['createSessionKit', { maxSesions: 10 }, 'maxSesions', 'maxSessions'],
    ['createSessionKit', { ttl: { idleMS: 10 } }, 'ttl.idleMS', 'idleMs'],
    ['createSessionKit', { cart: { maxLine: 10 } }, 'cart.maxLine', 'maxLines'],
    ['createSessionKit', { history: { maxMessage: 10 } }, 'history.maxMessage', 'maxMessages'],
    ['createSessionKit', { seen: { maxItem: 10 } }, 'seen.maxItem', 'maxItems'],
    ['createSessionKit', { seen: { user: { ttl: 10 } } }, 'seen.user.ttl', 'ttlMs'],
    [
      'createSessionKit',
      { seen: { policy: { kind: 'decay', halfLife: 5 } } },
      'seen.policy.halfLife',
      'halfLifeMs',
    ],
    ['createSessionKit', { detect: { fuzzy: { treshold: 0.4 } } }, 'detect.fuzzy.treshold', 'threshold'],
    ['createMemoryStore', { maxByte: 10 }, 'maxByte', 'maxBytes'],
    ['createMemoryStore', { snapshot: { path: 'x', interval: 5 } }, 'snapshot.interval', 'intervalMs'],
    ['createRedisStore', { commandTimeout: 5 }, 'commandTimeout', 'commandTimeoutMs'],
    ['createPostgresStore', { tabel: 'x' }, 'tabel', 'table'],
    ['createPostgresStore', { sweepIntervalMS: 0 }, 'sweepIntervalMS', 'sweepIntervalMs'],
    ['createDetector', { maxSesions: 5 }, 'maxSesions', 'maxSessions'],
    ['createDetector', { reset: { phrase: [] } }, 'reset.phrase', 'phrases'],
    ['createSessionKit', { limits: { rule: [] } }, 'limits.rule', 'rules'],
    ['createRateLimiter', { memroy: {} }, 'memroy', 'memory'],
    ['createRateLimiter', { rules: [{ ...rules[0], windowMS: 5 }] }, 'rules.0.windowMS', 'windowMs'],
    ['redisDetectionIndex', { commandTimeout: 5 }, 'commandTimeout', 'commandTimeoutMs'],
    ['createReplyAssembler', { maxChar: 5 }, 'maxChar', 'maxChars'],
  ])('%s refuses %j naming %s and the closest valid name', (factory, options, path, closest) => {
    const error = configError(factory, options)
    expect(error.message).toBe(`${factory} option "${path}" is not an option; did you mean "${closest}"?`)
    expect(error.details).toMatchObject({ option: path, closest })
  })

  it.each([
    ['createSessionKit', { maxSessions: 2 ** 30 }, 'maxSessions', 'must be at most 10000000; got 1073741824'],
    ['createSessionKit', { ttl: { idleMs: -1 } }, 'ttl.idleMs', 'must be above 0; got -1'],
    ['createSessionKit', { cart: { maxLines: 'ten' } }, 'cart.maxLines', 'must be a number; got "ten"'],
    [
      'createMemoryStore',
      { maxSessions: 2 ** 30 },
      'maxSessions',
      'must be at most 10000000; got 1073741824',
    ],
    ['createMemoryStore', { maxBytes: 1.5 }, 'maxBytes', 'must be an integer; got 1.5'],
    ['createRedisStore', { scanCount: 0 }, 'scanCount', 'must be at least 1; got 0'],
    ['createPostgresStore', { sweepBatchSize: 1.5 }, 'sweepBatchSize', 'must be an integer; got 1.5'],
    [
      'createPostgresStore',
      { schema: 'Public' },
      'schema',
      'must be 1 to 40 of a-z 0-9 _, not starting with a digit; got "Public"',
    ],
    ['createDetector', { idleMs: 1e15 }, 'idleMs', 'must be at most 315360000000; got 1000000000000000'],
    [
      'createSessionKit',
      { limits: { rules: [{ ...rules[0], limit: 0 }] } },
      'limits.rules.0.limit',
      'must be at least 1; got 0',
    ],
    ['redisDetectionIndex', { expiryGraceMs: -1 }, 'expiryGraceMs', 'must be at least 0; got -1'],
  ])('%s refuses %j: "<factory> option <path> <problem>"', (factory, options, path, problem) => {
    const error = configError(factory, options)
    expect(error.message).toBe(`${factory} option "${path}" ${problem}`)
    expect(error.details?.option).toBe(path)
  })

  it.each(Object.keys(factories))('%s refuses options that are not an object', (factory) => {
    if (factory === 'createRedisStore' || factory === 'createPostgresStore') {
      const create = factory === 'createRedisStore' ? createRedisStore : createPostgresStore
      expect(() => create(null as never)).toThrow(
        new RegExp(`${factory} option "options" must be an object; got null`),
      )
      return
    }
    // These take required options: a non-object is refused before any option is read.
    if (factory === 'createRateLimiter' || factory === 'redisDetectionIndex') {
      expect(() =>
        (factory === 'createRateLimiter' ? createRateLimiter : redisDetectionIndex)(null as never),
      ).toThrow(new RegExp(`${factory} needs options`))
      return
    }
    expect(() => factories[factory]!([] as never)).toThrow(
      new RegExp(`${factory} option "options" must be an object`),
    )
  })
})

describe('migrate() checks its options as the Postgres store does', () => {
  it('refuses an unknown key naming the closest valid one, before it connects', async () => {
    const error = await migrate(pool, { tabel: 'sessions' } as never).catch((e: unknown) => e)
    expect(isSessionKitError(error, 'INVALID_CONFIG')).toBe(true)
    expect((error as Error).message).toBe('migrate option "tabel" is not an option; did you mean "table"?')
  })

  it('refuses a name that would need quoting', async () => {
    const error = await migrate(pool, { schema: 'a"b' }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(/^migrate option "schema" must be 1 to 40 of a-z 0-9 _/)
  })
})

describe('call options refuse unknown keys, naming the closest valid one', () => {
  it.each([
    [
      'history.context()',
      (s: Session) => s.history.context({ maxToken: 500 } as never),
      'maxToken',
      'maxTokens',
    ],
    ['history.list()', (s: Session) => s.history.list({ limt: 5 } as never), 'limt', 'limit'],
    [
      'kit.get()',
      (s: Session, kit: SessionKit) => kit.get(s.id, { userID: 'u2' } as never),
      'userID',
      'userId',
    ],
    ['kit.create()', (_: Session, kit: SessionKit) => kit.create({ user: 'u2' } as never), 'user', 'userId'],
    [
      'kit.regenerate()',
      (s: Session, kit: SessionKit) => kit.regenerate(s.id, { userID: 'u1' } as never),
      'userID',
      'userId',
    ],
    [
      'kit.getOrCreate()',
      (s: Session, kit: SessionKit) => kit.getOrCreate(s.id, { adopted: true } as never),
      'adopted',
      'adopt',
    ],
    [
      'kit.end()',
      (s: Session, kit: SessionKit) => kit.end(s.id, { trust: true } as never),
      'trust',
      'trusted',
    ],
  ])('%s', async (what, call, key, closest) => {
    const kit = createSessionKit()
    const s = await kit.create({ userId: 'u1' })
    const error = await Promise.resolve()
      .then((): Promise<unknown> => call(s, kit))
      .catch((e: unknown) => e)
    expect(isSessionKitError(error, 'INVALID_ARGUMENT')).toBe(true)
    expect((error as Error).message).toBe(
      `${what} option "${key}" is not an option; did you mean "${closest}"?`,
    )
    await kit.close()
  })

  it('selectContext() too', () => {
    expect(() => selectContext([], { maxToken: 5 } as never)).toThrow(/did you mean "maxTokens"/)
  })
})
