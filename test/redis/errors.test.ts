import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { type SessionKitError, SessionKitError as SessionKitErrorClass } from '../../src/errors.js'
import { redisFailure } from '../../src/redis/errors.js'
import { createRedisStore, fromIoredis, type RedisStore } from '../../src/redis/index.js'
import { ignoreConnectionErrors, redisPort, uniquePrefix } from '../helpers/redis-clients.js'
import { type RedisServer, startRedisServer } from '../integration/redis-harness.js'

const MINUTE = 60_000

async function failure(call: Promise<unknown>): Promise<SessionKitError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SessionKitErrorClass)
  return error as SessionKitError
}

function connect(port: number, options: { username?: string; password?: string } = {}): Redis {
  return new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, ...options }).on(
    'error',
    ignoreConnectionErrors,
  )
}

// Each refusal a retry cannot fix gets STORE_REJECTED with its reason, the server's error as the
// cause and advice that points at the configuration, never "check that Redis is up".
describe.runIf(redisPort !== undefined)('Redis errors say what happened', () => {
  const clients: Redis[] = []
  const users: string[] = []
  let admin: Redis
  beforeAll(() => {
    admin = connect(redisPort!)
    clients.push(admin)
  })
  afterAll(async () => {
    for (const user of users) await admin.call('ACL', 'DELUSER', user)
    for (const client of clients) client.disconnect()
  })

  async function storeAs(acl: readonly string[], prefix = uniquePrefix()): Promise<RedisStore> {
    const user = `sk-test-${prefix}`
    users.push(user)
    await admin.call('ACL', 'SETUSER', user, 'on', '>pw', ...acl)
    const client = connect(redisPort!, { username: user, password: 'pw' })
    clients.push(client)
    return createRedisStore({ client: fromIoredis(client), prefix, clock: createManualClock(Date.now()) })
  }

  it('an ACL user without access to the prefix: STORE_REJECTED, reason permission, naming the keys to grant', async () => {
    const store = await storeAs(['~other:*', '+@all'])
    const error = await failure(store.create('s1', { expiresAt: Date.now() + MINUTE }))
    expect(error.code).toBe('STORE_REJECTED')
    expect(error.details).toMatchObject({ operation: 'create', reason: 'permission' })
    expect(error.message).toContain(`~{${store.prefix}:*`)
    expect(String((error.cause as Error).message)).toMatch(/^NOPERM/)
  })

  it('an ACL user that may not run scripts: STORE_REJECTED, reason permission', async () => {
    const store = await storeAs(['~*', '+@all', '-evalsha', '-eval'])
    const error = await failure(store.touch('s1', Date.now() + 60_000))
    expect(error.code).toBe('STORE_REJECTED')
    expect(error.details).toMatchObject({ operation: 'touch', reason: 'permission' })
  })

  it('an ACL user that may not read hashes: the header read (no script) is STORE_REJECTED too', async () => {
    const store = await storeAs(['~*', '+@all', '-hgetall'])
    const error = await failure(store.meta('s1'))
    expect(error.code).toBe('STORE_REJECTED')
    expect(error.details).toMatchObject({ operation: 'meta', reason: 'permission' })
    expect(String((error.cause as Error).message)).toMatch(/^NOPERM/)
  })

  it('wrong credentials: STORE_REJECTED, reason auth', async () => {
    const client = new Redis({
      host: '127.0.0.1',
      port: redisPort!,
      username: 'nobody-such',
      password: 'wrong',
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    }).on('error', ignoreConnectionErrors)
    clients.push(client)
    const store = createRedisStore({ client: fromIoredis(client), prefix: uniquePrefix() })
    const error = await failure(store.meta('s1'))
    expect([error.code, error.details?.reason]).toEqual(['STORE_REJECTED', 'auth'])
  })

  it('a key under the prefix that another program wrote: STORE_REJECTED, reason foreign-key, nothing changed', async () => {
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(admin), prefix })
    await admin.set(`{${prefix}:s1}`, 'not ours')
    const error = await failure(store.meta('s1'))
    expect(error.code).toBe('STORE_REJECTED')
    expect(error.details).toMatchObject({ operation: 'meta', reason: 'foreign-key' })
    expect(error.message).toContain(`prefix "${prefix}"`)
    expect(String((error.cause as Error).message)).toMatch(/^WRONGTYPE/)
    expect(await admin.get(`{${prefix}:s1}`)).toBe('not ours')

    // A part key taken by another program: the map write is refused before it changes anything.
    await store.create('s2', { expiresAt: Date.now() + MINUTE })
    await admin.set(`{${prefix}:s2}:cart`, 'not ours')
    const partError = await failure(store.updateMap('s2', 'cart', { set: { a: 1 } }))
    expect(partError.details).toMatchObject({ reason: 'foreign-key' })
    expect(await admin.hget(`{${prefix}:s2}`, 'k:cart')).toBe(null)
  })

  it('a script error (a header field another program overwrote): STORE_REJECTED, reason script', async () => {
    const prefix = uniquePrefix()
    const store = createRedisStore({ client: fromIoredis(admin), prefix })
    await store.create('s1', { expiresAt: Date.now() + MINUTE })
    await store.push('s1', 'log', ['a'], { max: 10 })
    await admin.hset(`{${prefix}:s1}`, 's:log', 'not a number')
    const error = await failure(store.push('s1', 'log', ['b'], { max: 10 }))
    expect(error.code).toBe('STORE_REJECTED')
    expect(error.details).toMatchObject({ operation: 'push', reason: 'script' })
  })
})

// Its own server: these change server settings the other suites must not see.
describe.runIf(redisPort !== undefined)(
  'Redis outages stay STORE_UNAVAILABLE, with a message that says which',
  () => {
    let server: RedisServer
    let raw: Redis
    let store: RedisStore
    beforeAll(async () => {
      server = await startRedisServer()
      raw = connect(server.port)
      store = createRedisStore({ client: fromIoredis(connect(server.port)), prefix: uniquePrefix() })
    })
    afterAll(async () => {
      raw.disconnect()
      await server.stop()
    })

    it('out of memory: STORE_UNAVAILABLE naming maxmemory, and nothing was written', async () => {
      await raw.config('SET', 'maxmemory', '1')
      try {
        const error = await failure(store.create('oom', { expiresAt: Date.now() + MINUTE }))
        expect(error.code).toBe('STORE_UNAVAILABLE')
        expect(error.message).toContain('maxmemory')
        expect(String((error.cause as Error).message)).toMatch(/^OOM/)
      } finally {
        await raw.config('SET', 'maxmemory', '0')
      }
      expect(await raw.exists(`{${store.prefix}:oom}`)).toBe(0)
    })

    it('a server busy with a long script: STORE_UNAVAILABLE saying so', async () => {
      await raw.config('SET', 'lua-time-limit', '10')
      const blocker = connect(server.port)
      try {
        // Busy for about 300 ms of server time, past the 10 ms after which others get BUSY.
        const busy = blocker.eval(
          'local t = redis.call("TIME") repeat until redis.call("TIME")[1] * 1e6 + redis.call("TIME")[2] - t[1] * 1e6 - t[2] > 300000',
          0,
        )
        await new Promise((resolve) => setTimeout(resolve, 50))
        const error = await failure(store.meta('s1'))
        expect(error.code).toBe('STORE_UNAVAILABLE')
        expect(error.message).toContain('busy')
        await busy
      } finally {
        blocker.disconnect()
        await raw.config('SET', 'lua-time-limit', '5000')
      }
    })
  },
)

// Replies a test server cannot easily be made to give (a dataset loading, a Cluster down, a slot
// moving, a failover), as Redis words them: each stays STORE_UNAVAILABLE and says which.
describe('Redis replies that mean "not now"', () => {
  it.each([
    ['LOADING Redis is loading the dataset in memory', 'loading'],
    ['CLUSTERDOWN The cluster is down', 'Cluster is down'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'being migrated'],
    ['Too many Cluster redirections. Last error: TRYAGAIN Multiple keys', 'being migrated'],
    ["READONLY You can't write against a read only replica.", 'failover'],
    ['Connection is closed.', 'up and reachable'],
  ])('%s', (reply, says) => {
    const error = redisFailure(new Error(reply), 'touch', 'sk')
    expect([error.code, error.message]).toEqual(['STORE_UNAVAILABLE', expect.stringContaining(says)])
    expect(error.cause).toBeInstanceOf(Error)
  })
})
