import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createSessionId } from '../../src/ids.js'
import { createRedisStore } from '../../src/redis/index.js'
import { keySlot, sessionIdInSlot, slotTags } from '../../src/redis/slots.js'
import {
  connectIoredisCluster,
  redisClusterNodes,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'
import { command } from '../integration/redis-harness.js'

const MINUTE = 60_000

describe('slots (pure)', () => {
  it('sessionIdInSlot draws canonical 22-character ids of 16 bytes in the slot asked for', () => {
    for (let i = 0; i < 50; i++) {
      const slot = randomBytes(2).readUInt16BE() & 16_383
      const id = sessionIdInSlot('sk:', slot)
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
      expect(Buffer.from(id, 'base64url').toString('base64url')).toBe(id)
      expect(keySlot(`{sk:${id}}`)).toBe(slot)
    }
  })

  it('slotTags gives every slot a tag that hashes to it, under the prefix and outside the id charset', () => {
    const tagOf = slotTags('shop')
    for (const slot of [0, 1, 777, 8_191, 16_383]) {
      expect(tagOf(slot)).toMatch(/^shop:~[0-9a-z]+$/)
      expect(keySlot(`{${tagOf(slot)}}:tomb:x`)).toBe(slot)
    }
  })
})

describe.runIf(redisClusterNodes !== undefined)('slots agree with the Cluster (CLUSTER KEYSLOT)', () => {
  const connection = useConnection(connectIoredisCluster)
  const port = () => redisClusterNodes![0]!.port
  const serverSlot = async (key: string) =>
    Number((await command(port(), ['CLUSTER', 'KEYSLOT', key])).slice(1))

  it('keySlot is the server slot for plain keys, hash tags and the edge cases of tags', async () => {
    const keys = ['', '{}', '{}x', '{a', 'a}b{', 'x{a}{b}', '{user1000}.following', 'foo{}{bar}', '{{a}}']
    for (let i = 0; i < 100; i++) keys.push(createSessionId(), `{sk:${createSessionId()}}:history#k`)
    for (const key of keys) expect([key, keySlot(key)]).toEqual([key, await serverSlot(key)])
  })

  it('a tombstone and a rename target fall in the slot of the record they belong to', async () => {
    const prefix = uniquePrefix()
    const clock = createManualClock(Date.now())
    const store = createRedisStore({ client: connection.client, prefix, clock })
    for (let i = 0; i < 20; i++) {
      const id = createSessionId()
      const slot = await serverSlot(`{${prefix}:${id}}`)
      await store.create(id, { expiresAt: clock.now() + MINUTE, tombstoneUntil: clock.now() + MINUTE })
      const to = store.renameTarget(id)
      expect(await serverSlot(`{${prefix}:${to}}`)).toBe(slot)
      expect((await store.rename(id, to, { tombstoneUntil: clock.now() + MINUTE }))?.id).toBe(to)
    }
    // The Cluster refuses a script whose KEYS span slots (CROSSSLOT), so each create and rename above
    // already proved its tombstones sit beside the record; here they are, one per id.
    const tombstones: string[] = []
    // Every page of the cursor: other suites' keys share these masters, so one page may not cover them.
    for (const master of await connection.client.masters()) {
      let cursor = '0'
      do {
        const reply = (await master.eval(
          "return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', 10000)",
          [],
          [cursor, `{${prefix}:~*`],
        )) as [string, string[]]
        cursor = reply[0]
        tombstones.push(...reply[1].filter((key) => key.includes('}:tomb:')))
      } while (cursor !== '0')
    }
    expect(tombstones).toHaveLength(40)
  })
})
