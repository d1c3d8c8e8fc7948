import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../../src/kit/events.js'
import { makeKit, T0 } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const MIN = 60_000
const HOUR = 60 * MIN

forEachStore((fixture) => {
  describe('rotation', () => {
    it('regenerate moves every module to a new id, keeps the absolute end and emits rotated', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN, absoluteMs: 2 * HOUR } })
      const rotated: SessionEvent[] = []
      kit.on('rotated', (e) => rotated.push(e))
      const s = await kit.create({ userId: 'u1', deviceId: 'web' })
      await s.history.append({ role: 'user', content: 'hello' })
      await s.preferences.replace({ theme: 'dark' })
      await s.state.replace({ step: 2 })
      await s.cache.set('q', 'a')
      clock.advance(5 * MIN)
      const moved = await s.regenerate()
      expect(moved.id).not.toBe(s.id)
      expect(rotated).toEqual([{ sessionId: moved.id, previousSessionId: s.id, userId: 'u1' }])
      expect((await moved.history.list()).messages.map((m) => m.content)).toEqual(['hello'])
      expect(await moved.preferences.get()).toEqual({ theme: 'dark' })
      expect(await moved.state.get()).toEqual({ step: 2 })
      expect(await moved.cache.get('q')).toBe('a')
      expect(await moved.info()).toMatchObject({
        userId: 'u1',
        deviceId: 'web',
        createdAt: T0,
        expiresAt: T0 + 35 * MIN,
        absoluteExpiresAt: T0 + 2 * HOUR,
      })
      await expect(s.state.replace({ step: 3 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(s.regenerate()).rejects.toMatchObject({ code: 'NOT_FOUND' })
      expect((await kit.sessionsOf('u1')).map((i) => i.id)).toEqual([moved.id])
      expect((await kit.stats()).rotated).toBe(1)
    })

    it('link at login starts a new absolute lifetime', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN, absoluteMs: 2 * HOUR } })
      const anon = await kit.create()
      for (let i = 0; i < 7; i++) {
        clock.advance(15 * MIN)
        await anon.touch()
      }
      const linked = await kit.link(anon.id, 'u1', { deviceId: 'ios' })
      expect(await linked.info()).toMatchObject({
        userId: 'u1',
        deviceId: 'ios',
        expiresAt: T0 + 105 * MIN + 30 * MIN,
        absoluteExpiresAt: T0 + 105 * MIN + 2 * HOUR,
      })
      clock.advance(25 * MIN)
      expect(await kit.get(linked.id, { userId: 'u1' })).toBeDefined()
    })

    it('the user level of seen items does not count a rotated session twice', async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create({ userId: 'u1' })
      await s.seen.mark(['tee-1'])
      const before = (await s.seen.view()).penalty('tee-1')
      const moved = await kit.regenerate(s.id, { userId: 'u1' })
      expect((await moved.seen.view()).penalty('tee-1')).toBe(before)
      const relinked = await kit.link(moved.id, 'u1')
      expect((await relinked.seen.view()).penalty('tee-1')).toBe(before)
      // Another session of the user sees the exposure once, through the user level.
      const other = await kit.create({ userId: 'u1' })
      expect((await other.seen.view()).penalty('tee-1')).toBeLessThan(0)
    })
  })

  describe('kit.detect and ids that ended', () => {
    const first = [{ role: 'user' as const, content: 'Plan a trip to Lisbon' }]
    const reply = { role: 'assistant' as const, content: 'Three days: Alfama, Belem, Sintra.' }
    const next = [...first, reply, { role: 'user' as const, content: 'And food?' }]

    it('a conversation whose kit session ended starts a new one under a new id', async () => {
      const { kit } = await makeKit(fixture)
      const a = await kit.detect({ messages: first, tenant: 't' })
      await kit.detector.bindReply(a.detection, reply)
      await a.session.end()
      const b = await kit.detect({ messages: next, tenant: 't' })
      expect(b.created).toBe(true)
      expect(b.session.id).not.toBe(a.session.id)
      expect(b.session.id).toBe(b.detection.sessionId)
      const c = await kit.detect({
        messages: [...next, reply, { role: 'user', content: 'Museums?' }],
        tenant: 't',
      })
      expect(c).toMatchObject({ created: false, session: { id: b.session.id } })
    })

    it('an explicitId whose kit session ended is CONFLICT: ids are never issued twice', async () => {
      const { kit } = await makeKit(fixture)
      const a = await kit.detect({ messages: first, explicitId: 'client-conversation-1' })
      expect((await kit.detect({ messages: next, explicitId: 'client-conversation-1' })).session.id).toBe(
        a.session.id,
      )
      await a.session.end()
      await expect(kit.detect({ messages: next, explicitId: 'client-conversation-1' })).rejects.toMatchObject(
        {
          code: 'CONFLICT',
        },
      )
      const fresh = await kit.detect({ messages: next, explicitId: 'client-conversation-2' })
      expect(fresh.created).toBe(true)
    })
  })
})
