import { describe, expect, it } from 'vitest'
import { createSessionKit } from '../../src/kit.js'
import { createRedisStore, type RedisClientLike } from '../../src/redis/index.js'
import { connectIoredis, redisPort, uniquePrefix, useConnection } from '../helpers/redis-clients.js'

/** The real client, with every script sent to the server counted (one script is one round trip). */
function counting(client: RedisClientLike): { client: RedisClientLike; sent: () => number } {
  let sent = 0
  return {
    client: {
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
})
