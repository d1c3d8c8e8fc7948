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
import {
  checkFacadeTouchStep,
  checkMergeValueStep,
  checkTouchMetaStep,
  checkTouchMetaStepRandom,
  checkTouchStep,
  TOUCH_STEP_MS,
  type TouchStepProbe,
} from '../helpers/touch-step.js'

const SECOND = 1000

// The third runs on a client without `hgetall` (a runner of scripts only), where the header read
// under a step is the `meta` script instead of a plain HGETALL: the same answers either way.
const topologies: [string, () => Promise<TestClient>, boolean, boolean][] = [
  ['standalone', connectIoredis, redisPort !== undefined, false],
  ['3-master Cluster', connectIoredisCluster, redisClusterNodes !== undefined, false],
  ['standalone, scripts only', connectIoredis, redisPort !== undefined, true],
]

// `touchStepMs` on Redis (the checks in test/helpers/touch-step.ts, and a write's expiry). The
// stored expiry is read from the record's header (field `e`) with a script of the test's own.
for (const [name, connect, available, scriptsOnly] of topologies) {
  describe.runIf(available)(`Redis touchStepMs (${name})`, { timeout: 60_000 }, () => {
    const connection = useConnection(connect)

    const setup = () => {
      const clock = createManualClock(Date.now())
      const prefix = uniquePrefix()
      const { evalsha, eval: evalScript, masters, cluster } = connection.client
      const client = scriptsOnly ? { evalsha, eval: evalScript, masters, cluster } : connection.client
      const store = createRedisStore({ client, prefix, clock, touchStepMs: TOUCH_STEP_MS })
      const stored = async (id: string) =>
        Number(
          await connection.client.eval("return redis.call('HGET', KEYS[1], 'e')", [`{${prefix}:${id}}`], []),
        )
      // The header's `e` changes with every write of the expiry, the only header write a touch makes.
      const probe: TouchStepProbe = { written: stored, expiry: stored }
      return { clock, store, stored, probe }
    }

    it('touch: later by less than the step writes nothing; by the step, or earlier, writes', async () => {
      const { clock, store, probe } = setup()
      await checkTouchStep(store, clock, probe)
    })

    it('touchMeta on random input answers, and stores, what the rules say (skips, writes, holds)', async () => {
      const { clock, store, probe } = setup()
      const counts = await checkTouchMetaStepRandom(store, clock, probe, 11)
      // The sequence reaches every branch.
      expect(counts.skipped).toBeGreaterThan(5)
      expect(counts.written).toBeGreaterThan(5)
      expect(counts.held).toBeGreaterThan(5)
    })

    it('touchMeta: answers the stored expiry when it skips, checks the owner, and caps by notAfter', async () => {
      const { clock, store, probe } = setup()
      await checkTouchMetaStep(store, clock, probe)
    })

    it('mergeValue: the value is written every time, the record expiry only by the step', async () => {
      const { clock, store, probe } = setup()
      await checkMergeValueStep(store, clock, probe)
    })

    it("the facade's sessions: read on every request, written once per step, never more than a step early", async () => {
      const { clock, store, stored, probe } = setup()
      const { kit, id, idleMs } = await checkFacadeTouchStep(store, clock, probe)
      // A patch moves the expiry by the step; a replace moves it to what it is given.
      clock.advance(5 * SECOND)
      const before = await stored(id)
      const session = (await kit.get(id))!
      await session.preferences.patch({ theme: 'dark' })
      expect(await stored(id)).toBe(before)
      await session.preferences.replace({ theme: 'light' })
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
