import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { idDigest } from '../../src/ids.js'
import { createSessionKit } from '../../src/kit.js'
import { createRedisStore, type RedisClientLike } from '../../src/redis/index.js'
import {
  connectIoredis,
  connectIoredisCluster,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'
import { collect, fillUser } from '../helpers/user-data.js'

// Every key of a prefix, with the value of each string key, from every master.
const DUMP = `
local out, cursor = {}, '0'
repeat
  local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = reply[1]
  for _, key in ipairs(reply[2]) do
    local value = ''
    if redis.call('TYPE', key).ok == 'string' then value = redis.call('GET', key) end
    out[#out + 1] = key
    out[#out + 1] = value
  end
until cursor == '0'
return out`

async function keysOf(client: RedisClientLike, prefix: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>()
  for (const master of await client.masters()) {
    const reply = (await master.eval(DUMP, [], [`*${prefix}*`])) as string[]
    for (let i = 0; i < reply.length; i += 2) keys.set(reply[i]!, reply[i + 1]!)
  }
  return keys
}

const targets: [string, boolean, () => Promise<TestClient>][] = [
  ['standalone', redisPort !== undefined, connectIoredis],
  ['3-master Cluster', redisClusterNodes !== undefined, connectIoredisCluster],
]

for (const [title, available, connect] of targets) {
  describe.runIf(available)(
    `erasure and rotation leave no key named by a user or their ids (Redis ${title})`,
    () => {
      const connection = useConnection(connect)

      function kitOn(prefix: string) {
        const store = createRedisStore({
          client: connection.client,
          prefix,
          clock: createManualClock(Date.now()),
        })
        return createSessionKit({ store })
      }

      it('after users.erase no key of the user remains; tombstones hold only a time and name no id', async () => {
        const prefix = uniquePrefix()
        const kit = kitOn(prefix)
        const erin = await fillUser(kit, 'erin')
        const frank = await fillUser(kit, 'frank')
        const ids = [...erin.live, ...erin.ended]
        const named = (keys: Map<string, string>) =>
          [...keys].filter(([key, value]) =>
            [...ids, 'erin'].some((id) => key.includes(id) || value.includes(id)),
          )
        expect(named(await keysOf(connection.client, prefix)).length).toBeGreaterThan(10)

        expect(await kit.users.erase('erin')).toEqual({ sessions: 2, userRecord: true })
        const after = await keysOf(connection.client, prefix)
        expect(named(after)).toEqual([])
        const tombstones = [...after].filter(([key]) => key.includes(':tomb:'))
        // One per id ever issued to either user (frank's too), each holding an epoch-ms time only.
        expect(tombstones.length).toBe(2 * ids.length)
        for (const [key, value] of tombstones) {
          expect(key).toMatch(new RegExp(`^\\{${prefix}:~[0-9a-z]+\\}:tomb:[A-Za-z0-9_-]{22}$`))
          expect(value).toMatch(/^\d+$/)
        }
        expect(tombstones.map(([key]) => key.slice(-22))).toEqual(expect.arrayContaining(ids.map(idDigest)))
        // frank's data is all still there.
        expect((await collect(kit.users.export('frank'))).json.sessions).toHaveLength(2)
        expect((await kit.sessionsOf('frank')).map((i) => i.id).sort()).toEqual([...frank.live].sort())
      })

      it('regenerate leaves no key under the old id; the new id holds every part', async () => {
        const prefix = uniquePrefix()
        const kit = kitOn(prefix)
        const s = await kit.create({ userId: 'u1' })
        await s.history.append({ role: 'user', content: 'hi' }, { idempotencyKey: 'r1' })
        await s.cart.add({ sku: 'A', name: 'Mug', unitPrice: 900 })
        await s.state.replace({ step: 1 })
        const moved = await kit.regenerate(s.id, { userId: 'u1' })
        const keys = [...(await keysOf(connection.client, prefix)).keys()]
        expect(keys.filter((key) => key.includes(s.id))).toEqual([])
        expect(keys.filter((key) => key.startsWith(`{${prefix}:${moved.id}}`)).sort()).toEqual(
          ['', ':cart', ':history', ':history#k', ':history#o', ':state'].map(
            (p) => `{${prefix}:${moved.id}}${p}`,
          ),
        )
      })
    },
  )
}
