import { describe, expect, it } from 'vitest'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const MIN = 60_000

forEachStore((fixture) => {
  describe('ownership', () => {
    it("get with another user's id throws FORBIDDEN; the owner and anonymous callers get it", async () => {
      const { kit } = await makeKit(fixture)
      const s = await kit.create({ userId: 'alice' })
      await expect(kit.get(s.id, { userId: 'mallory' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
      expect((await kit.get(s.id, { userId: 'alice' }))?.userId).toBe('alice')
      await expect(kit.getOrCreate(s.id, { userId: 'mallory' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    })

    it('link binds an anonymous session at login and moves it to a new id; the old id is dead', async () => {
      const { kit } = await makeKit(fixture)
      const anon = await kit.create({ deviceId: 'web' })
      await anon.cart.add({ sku: 'SKU-1', name: 'Mug', unitPrice: 900 })
      const linked = await kit.link(anon.id, 'bob')
      expect(linked.userId).toBe('bob')
      expect(linked.id).not.toBe(anon.id)
      expect(await linked.cart.totals()).toMatchObject({ quantity: 1 })
      expect(await kit.get(anon.id)).toBeUndefined()
      await expect(kit.link(anon.id, 'bob')).rejects.toMatchObject({ code: 'NOT_FOUND' })
      const again = await kit.link(linked.id, 'bob')
      expect(again.id).not.toBe(linked.id)
      await expect(kit.link(again.id, 'eve')).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.get(again.id, { userId: 'eve' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
      expect((await kit.sessionsOf('bob')).map((i) => i.id)).toEqual([again.id])
      await expect(kit.link('unknown-session-1', 'bob')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    it('rejects malformed user ids before they reach the store', async () => {
      const { kit } = await makeKit(fixture)
      await expect(kit.create({ userId: '__proto__' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(kit.create({ userId: 'a b' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await expect(kit.sessionsOf('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    })
  })

  describe('users across devices', () => {
    it('lists the sessions of a user on two devices, most recently active first', async () => {
      const { kit, clock } = await makeKit(fixture)
      const desktop = await kit.create({ userId: 'u1', deviceId: 'desktop' })
      clock.advance(MIN)
      const phone = await kit.create({ userId: 'u1', deviceId: 'phone' })
      await kit.create({ userId: 'u2', deviceId: 'phone' })
      clock.advance(MIN)
      await desktop.state.replace({ phase: 'discovery' })
      const list = await kit.sessionsOf('u1')
      expect(list.map((i) => [i.id, i.deviceId])).toEqual([
        [desktop.id, 'desktop'],
        [phone.id, 'phone'],
      ])
    })

    it('resume continues the conversation of another device; expired sessions are pruned', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 30 * MIN } })
      const desktop = await kit.create({ userId: 'u1', deviceId: 'desktop' })
      await desktop.state.replace({ topic: '2BHK in Whitefield' })
      clock.advance(10 * MIN)
      const resumed = await kit.resume('u1')
      expect(resumed?.id).toBe(desktop.id)
      expect(await resumed?.state.get()).toEqual({ topic: '2BHK in Whitefield' })
      clock.advance(31 * MIN)
      expect(await kit.sessionsOf('u1')).toEqual([])
      expect(await kit.resume('u1')).toBeUndefined()
      expect(await kit.resume('nobody')).toBeUndefined()
    })

    it('ended sessions leave the list; past users.maxSessions the oldest is ended', async () => {
      const { kit, clock } = await makeKit(fixture, { users: { maxSessions: 2 } })
      const evicted: string[] = []
      kit.on('evicted', (e) => evicted.push(`${e.sessionId}:${e.limit}`))
      const a = await kit.create({ userId: 'u1' })
      clock.advance(1000)
      const b = await kit.create({ userId: 'u1' })
      clock.advance(1000)
      await b.end()
      const c = await kit.create({ userId: 'u1' })
      clock.advance(1000)
      const d = await kit.create({ userId: 'u1' })
      expect((await kit.sessionsOf('u1')).map((i) => i.id)).toEqual([d.id, c.id])
      expect(evicted).toEqual([`${a.id}:user.maxSessions`])
      expect(await kit.get(a.id, { userId: 'u1' })).toBeUndefined()
    })

    it('concurrent creates past users.maxSessions all succeed, and the user keeps its limit', async () => {
      const { kit, clock } = await makeKit(fixture, { users: { maxSessions: 2 } })
      await kit.create({ userId: 'u1' })
      await kit.create({ userId: 'u1' })
      clock.advance(1000)
      const created = await Promise.all(Array.from({ length: 5 }, () => kit.create({ userId: 'u1' })))
      const listed = (await kit.sessionsOf('u1')).map((i) => i.id)
      expect(listed).toHaveLength(2)
      expect(created.map((s) => s.id)).toEqual(expect.arrayContaining(listed))
      expect((await kit.stats()).active).toBe(2)
    })
  })
})
