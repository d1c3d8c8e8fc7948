import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../src/clock.js'
import { createRedisStore } from '../../src/redis/index.js'
import {
  connectIoredis,
  connectIoredisCluster,
  redisClusterNodes,
  redisPort,
  type TestClient,
  uniquePrefix,
  useConnection,
} from '../helpers/redis-clients.js'
import { checkFacadeTouchStep } from '../helpers/touch-step.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const STEP = MINUTE

const topologies: [string, () => Promise<TestClient>, boolean][] = [
  ['standalone', connectIoredis, redisPort !== undefined],
  ['3-master Cluster', connectIoredisCluster, redisClusterNodes !== undefined],
]

// `touchStepMs` on Redis: a touch that would move the expiry later by less than the step writes
// nothing. The stored expiry is read from the record's header (field `e`) with a script of the
// test's own, so "nothing written" is checked on the server, not inferred from the answer.
for (const [name, connect, available] of topologies) {
  describe.runIf(available)(`Redis touchStepMs (${name})`, { timeout: 60_000 }, () => {
    const connection = useConnection(connect)

    const setup = () => {
      const clock = createManualClock(Date.now())
      const prefix = uniquePrefix()
      const store = createRedisStore({ client: connection.client, prefix, clock, touchStepMs: STEP })
      const stored = async (id: string) =>
        Number(
          await connection.client.eval("return redis.call('HGET', KEYS[1], 'e')", [`{${prefix}:${id}}`], []),
        )
      return { clock, store, stored }
    }

    it('touch: later by less than the step writes nothing; by the step, or earlier, writes', async () => {
      const { clock, store, stored } = setup()
      const start = clock.now()
      await store.create('r', { expiresAt: start + 30 * MINUTE })
      clock.advance(30 * SECOND)
      expect(await store.touch('r', clock.now() + 30 * MINUTE)).toBe(true)
      expect(await stored('r')).toBe(start + 30 * MINUTE)
      clock.advance(30 * SECOND)
      expect(await store.touch('r', clock.now() + 30 * MINUTE)).toBe(true)
      expect(await stored('r')).toBe(start + 31 * MINUTE)
      expect(await store.touch('r', start + 31 * MINUTE - SECOND)).toBe(true)
      expect(await stored('r')).toBe(start + 31 * MINUTE - SECOND)
      expect(await store.touch('missing', clock.now() + MINUTE)).toBe(false)
      clock.advance(40 * MINUTE)
      expect(await store.touch('r', clock.now() + MINUTE)).toBe(false)
    })

    it('touchMeta: answers the stored expiry when it skips, checks the owner, and caps by notAfter', async () => {
      const { clock, store, stored } = setup()
      const start = clock.now()
      const end = start + 50 * MINUTE
      await store.create('r', { expiresAt: start + 30 * MINUTE, data: { u: 'alice', end } })
      clock.advance(10 * SECOND)
      const skipped = await store.touchMeta!('r', clock.now() + 30 * MINUTE, {
        notAfter: 'end',
        ifDataAbsentOr: { u: 'alice' },
      })
      expect(skipped).toEqual({
        meta: { id: 'r', createdAt: start, expiresAt: start + 30 * MINUTE, data: { u: 'alice', end } },
        touched: true,
      })
      expect(await stored('r')).toBe(start + 30 * MINUTE)
      clock.advance(5 * MINUTE)
      const refused = await store.touchMeta!('r', clock.now() + 30 * MINUTE, {
        ifDataAbsentOr: { u: 'mallory' },
      })
      expect(refused?.touched).toBe(false)
      expect(await stored('r')).toBe(start + 30 * MINUTE)
      const moved = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { notAfter: 'end' })
      expect(moved?.meta.expiresAt).toBe(clock.now() + 30 * MINUTE)
      expect(await stored('r')).toBe(clock.now() + 30 * MINUTE)
      clock.advance(20 * MINUTE)
      const capped = await store.touchMeta!('r', clock.now() + 30 * MINUTE, { notAfter: 'end' })
      expect(capped?.meta.expiresAt).toBe(end)
      expect(await store.touchMeta!('missing', clock.now() + MINUTE)).toBe(undefined)
    })

    it("the facade's sessions: read on every request, written once per step, never more than a step early", async () => {
      const { clock, store, stored } = setup()
      const { kit, id, idleMs } = await checkFacadeTouchStep(store, clock, stored, STEP)
      // A write moves the expiry it is given, step or not.
      clock.advance(5 * SECOND)
      await (await kit.get(id))!.preferences.patch({ theme: 'dark' })
      expect(await stored(id)).toBe(clock.now() + idleMs)
      await kit.close()
    })
  })
}

describe('Redis touchStepMs option', () => {
  it('refuses a step that is not a whole number of ms from 0 to a day', () => {
    const client = { evalsha: async () => 0, eval: async () => 0, masters: () => [] } as never
    for (const touchStepMs of [-1, 1.5, 86_400_001, Number.NaN]) {
      expect(() => createRedisStore({ client, touchStepMs })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('touchStepMs') }),
      )
    }
  })
})
