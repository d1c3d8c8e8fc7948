import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionKit } from '../../src/index.js'
import { makeKit, T0 } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

forEachStore((fixture) => {
  describe('session.seen through the facade', () => {
    it('a mark counts as activity: it moves the session expiry', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 60_000 } })
      const s = await kit.create()
      clock.advance(50_000)
      await s.seen.mark(['a'])
      clock.advance(50_000)
      expect((await s.info())?.expiresAt).toBe(T0 + 110_000)
      expect((await s.seen.view()).penalty('a')).toBeLessThan(0)
    })

    it("a user's second session sees the first one's exposures at the user level", async () => {
      const { kit } = await makeKit(fixture, { seen: { policy: { kind: 'flat', user: { weight: 1 } } } })
      const first = await kit.create({ userId: 'u1', deviceId: 'web' })
      await first.seen.mark(['a'])
      const second = await kit.create({ userId: 'u1', deviceId: 'ios' })
      const other = await kit.create({ userId: 'u2' })
      expect((await second.seen.view()).penalty('a')).toBe(-1.5)
      expect((await second.seen.view()).explain('a').parts[0]?.levels.map((l) => l.level)).toEqual(['user'])
      expect((await other.seen.view()).penalty('a')).toBe(0)
    })
  })
})

describe('kit option seen', () => {
  it('is checked once at kit creation: INVALID_CONFIG naming the option', () => {
    let error: unknown
    try {
      createSessionKit({ seen: { policy: { kind: 'decay', halfLifeMs: -5 } } })
    } catch (e) {
      error = e
    }
    expect(isSessionKitError(error, 'INVALID_CONFIG')).toBe(true)
    expect((error as Error).message).toContain('seen.policy.halfLifeMs')
  })
})
