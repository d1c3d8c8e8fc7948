import { describe, expect, it } from 'vitest'
import { createSessionKit } from '../../src/kit.js'
import { createRedisStore, type RedisClientLike } from '../../src/redis/index.js'
import { connectIoredis, redisPort, uniquePrefix, useConnection } from '../helpers/redis-clients.js'

/**
 * The real client, with every script and every plain read sent to the server counted (each is one
 * round trip), and the scripts apart.
 */
function counting(client: RedisClientLike): {
  client: RedisClientLike
  sent: () => number
  scripts: () => number
} {
  let sent = 0
  let reads = 0
  const hgetall = client.hgetall!
  return {
    client: {
      hgetall: (key) => {
        sent++
        reads++
        return hgetall(key)
      },
      evalsha: (sha1, keys, args) => {
        sent++
        return client.evalsha(sha1, keys, args)
      },
      eval: (script, keys, args) => {
        sent++
        return client.eval(script, keys, args)
      },
      masters: () => client.masters(),
    },
    sent: () => sent,
    scripts: () => sent - reads,
  }
}

describe.runIf(redisPort !== undefined)('round trips of the common web request on Redis', () => {
  const connection = useConnection(connectIoredis)

  it('get with touch is one round trip, a preferences patch one more: two for the request', async () => {
    const counter = counting(connection.client)
    const kit = createSessionKit({
      store: createRedisStore({ client: counter.client, prefix: uniquePrefix() }),
    })
    const s = await kit.create({ userId: 'u1' })
    // Warm: each script is loaded once per server (NOSCRIPT, then EVAL).
    await (await kit.get(s.id, { touch: true, userId: 'u1' }))?.preferences.patch({ warm: true })
    const before = counter.sent()
    const session = await kit.get(s.id, { touch: true, userId: 'u1' })
    expect(counter.sent() - before).toBe(1)
    expect(await session?.preferences.patch({ theme: 'dark', budget: { max: 900 } })).toEqual({
      warm: true,
      theme: 'dark',
      budget: { max: 900 },
    })
    expect(counter.sent() - before).toBe(2)
    await kit.close()
  })

  it('under a touch step, get with touch is one plain HGETALL (no script) and the patch one script', async () => {
    const counter = counting(connection.client)
    const kit = createSessionKit({
      store: createRedisStore({ client: counter.client, prefix: uniquePrefix(), touchStepMs: 60_000 }),
    })
    const s = await kit.create({ userId: 'u1' })
    await (await kit.get(s.id, { touch: true, userId: 'u1' }))?.preferences.patch({ warm: true })
    const [sent, scripts] = [counter.sent(), counter.scripts()]
    const session = await kit.get(s.id, { touch: true, userId: 'u1' })
    expect([counter.sent() - sent, counter.scripts() - scripts]).toEqual([1, 0])
    expect(await session?.preferences.patch({ theme: 'dark' })).toEqual({ warm: true, theme: 'dark' })
    expect([counter.sent() - sent, counter.scripts() - scripts]).toEqual([2, 1])
    await kit.close()
  })
})
