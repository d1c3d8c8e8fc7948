import { describe, expect, it } from 'vitest'
import { makeKit } from '../helpers/kit.js'
import { clusterFixtures } from '../helpers/redis-cluster-fixture.js'
import { type StoreFixture, storeFixtures } from '../helpers/stores.js'

// Each attack on session management that OWASP lists, tried the way an attacker would, on every
// store of the run: memory, and Redis standalone and Cluster when the servers are available.

const MIN = 60_000
const line = { sku: 'SKU-1', name: 'Mug', unitPrice: 900 }

for (const fixture of [...storeFixtures(), ...clusterFixtures()])
  describe(`on ${fixture.name}`, () => attacks(fixture))

function attacks(fixture: StoreFixture): void {
  describe('session fixation', () => {
    it('a planted cookie of a live anonymous session is dead after the victim logs in', async () => {
      const { kit } = await makeKit(fixture)
      const planted = (await kit.getOrCreate(undefined)).session.id
      // The victim browses with the planted cookie, then logs in.
      const browsing = await kit.getOrCreate(planted)
      expect(browsing).toMatchObject({ created: false, session: { id: planted } })
      await browsing.session.cart.add(line)
      const victim = await kit.link(planted, 'victim')
      expect(victim.id).not.toBe(planted)
      expect(await victim.cart.totals()).toMatchObject({ quantity: 1 })
      // The attacker replays the planted id: nothing of the victim's is reachable through it.
      expect(await kit.get(planted)).toBeUndefined()
      expect(await kit.get(planted, { userId: 'attacker' })).toBeUndefined()
      const replay = await kit.getOrCreate(planted, { userId: 'attacker' })
      expect(replay.created).toBe(true)
      expect([planted, victim.id]).not.toContain(replay.session.id)
      expect(await replay.session.cart.totals()).toMatchObject({ quantity: 0 })
      await expect(kit.link(planted, 'attacker')).rejects.toMatchObject({ code: 'NOT_FOUND' })
      await expect(kit.get(victim.id, { userId: 'attacker' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
    })

    it('a planted cookie of an id the attacker made up is never adopted', async () => {
      const { kit } = await makeKit(fixture)
      const planted = 'attacker-chosen-cookie-0001'
      const { session, created } = await kit.getOrCreate(planted, { userId: 'victim' })
      expect(created).toBe(true)
      expect(session.id).not.toBe(planted)
      expect(await kit.get(planted)).toBeUndefined()
      const linked = await kit.link(session.id, 'victim')
      expect(linked.id).not.toBe(planted)
    })
  })

  describe('ids handed out twice', () => {
    it('an ended id is never issued again: not by getOrCreate, create({ id }) or adopt', async () => {
      const { kit } = await makeKit(fixture)
      const alice = await kit.create({ userId: 'alice' })
      await alice.history.append({ role: 'user', content: 'my address is 1 Main St' })
      expect(await alice.end()).toBe(true)
      const bob = await kit.getOrCreate(alice.id, { userId: 'bob' })
      expect(bob.created).toBe(true)
      expect(bob.session.id).not.toBe(alice.id)
      await expect(kit.create({ id: alice.id, userId: 'bob' })).rejects.toMatchObject({ code: 'CONFLICT' })
      const adopted = await kit.getOrCreate(alice.id, { userId: 'bob', adopt: true })
      expect(adopted.session.id).not.toBe(alice.id)
      expect(await kit.get(alice.id, { userId: 'bob' })).toBeUndefined()
    })

    it('an expired id and a rotated-away id are never issued again either', async () => {
      const { kit, clock } = await makeKit(fixture, { ttl: { idleMs: 10 * MIN } })
      const idle = await kit.create()
      const rotated = await kit.create()
      await kit.regenerate(rotated.id)
      clock.advance(11 * MIN)
      for (const id of [idle.id, rotated.id]) {
        await expect(kit.create({ id })).rejects.toMatchObject({ code: 'CONFLICT' })
        expect((await kit.getOrCreate(id, { adopt: true })).session.id).not.toBe(id)
      }
    })
  })

  describe('ownership on every call', () => {
    it('an anonymous request with a stolen cookie of a bound session is FORBIDDEN everywhere', async () => {
      const { kit } = await makeKit(fixture)
      const alice = await kit.create({ userId: 'alice' })
      await alice.history.append({ role: 'user', content: 'secret plans' })
      const stolen = alice.id
      await expect(kit.get(stolen)).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.get(stolen, { touch: true })).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.getOrCreate(stolen)).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.end(stolen)).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.regenerate(stolen)).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.link(stolen, 'mallory')).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.get(stolen, { userId: 'mallory' })).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(kit.get(stolen, { userId: 'mallory', trusted: true })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      })
      // Nothing changed, and the owner and a trusted job still reach it.
      const own = await kit.get(stolen, { userId: 'alice' })
      expect((await own?.history.list())?.messages.map((m) => m.content)).toEqual(['secret plans'])
      expect((await kit.get(stolen, { trusted: true }))?.userId).toBe('alice')
    })

    it('anonymous sessions stay usable anonymously, and by a logged-in caller before linking', async () => {
      const { kit } = await makeKit(fixture)
      const anon = await kit.create()
      expect((await kit.get(anon.id))?.id).toBe(anon.id)
      expect((await kit.get(anon.id, { userId: 'someone' }))?.userId).toBeUndefined()
      expect(await kit.end(anon.id)).toBe(true)
    })
  })

  describe('races', () => {
    it('100 concurrent links of one session by different users: one wins, the others get nothing', async () => {
      const { kit } = await makeKit(fixture)
      const anon = await kit.create()
      await anon.cart.add(line)
      const users = Array.from({ length: 100 }, (_, i) => `user-${i}`)
      const results = await Promise.allSettled(users.map((userId) => kit.link(anon.id, userId)))
      const winners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
      expect(winners).toHaveLength(1)
      const codes = new Set(results.flatMap((r) => (r.status === 'rejected' ? [r.reason.code] : [])))
      expect([...codes].every((code) => code === 'NOT_FOUND' || code === 'FORBIDDEN')).toBe(true)
      const winner = winners[0]!
      expect(await winner.cart.totals()).toMatchObject({ quantity: 1 })
      expect(await kit.get(anon.id)).toBeUndefined()
      const listed = await Promise.all(users.map((userId) => kit.sessionsOf(userId)))
      expect(listed.flat().map((info) => [info.id, info.userId])).toEqual([[winner.id, winner.userId]])
      expect((await kit.stats()).rotated).toBe(1)
    })

    it('regenerate racing writes: every write lands in the new session or fails NOT_FOUND, none is lost', async () => {
      const { kit } = await makeKit(fixture, { history: { maxMessages: 1000 } })
      const session = await kit.create({ userId: 'alice' })
      // Each write settles to 'ok' or its error code at once, so no rejection waits unhandled.
      const write = (i: number) =>
        (i % 2 === 0
          ? session.history.append({ role: 'user', content: `m${i}` })
          : session.cart.add({ ...line, sku: `SKU-${i}` })
        ).then(
          () => 'ok',
          (error: { code?: string }) => error.code,
        )
      const writes: Promise<string | undefined>[] = []
      for (let i = 0; i < 10; i++) writes.push(write(writes.length))
      let rotated = false
      const rotation = kit.regenerate(session.id, { userId: 'alice' }).finally(() => {
        rotated = true
      })
      // Writes keep coming while the rotation runs (at most 170, so the cart's 100 lines are never
      // full however slow the store), and a few after it, which find the old id ended.
      while (!rotated && writes.length < 170) {
        writes.push(write(writes.length))
        await new Promise((resolve) => setImmediate(resolve))
      }
      const renamed = await rotation
      for (let i = 0; i < 10; i++) writes.push(write(writes.length))
      const failures = (await Promise.all(writes)).filter((outcome) => outcome !== 'ok')
      expect(new Set(failures)).toEqual(new Set(['NOT_FOUND']))
      const landed = writes.length - failures.length
      expect(landed).toBeGreaterThanOrEqual(10)
      const history = await renamed.history.list({ limit: 1000 })
      const cart = await renamed.cart.list()
      expect(history.messages.length + cart.length).toBe(landed)
      // Nothing is left under the old id.
      expect(await kit.store.readRecord(session.id)).toBeUndefined()
      expect(await kit.get(session.id, { userId: 'alice' })).toBeUndefined()
      expect((await kit.sessionsOf('alice')).map((info) => info.id)).toEqual([renamed.id])
    })
  })

  describe('hostile ids', () => {
    const hostile = [
      '__proto__',
      'constructor',
      'prototype',
      'x'.repeat(100_000),
      'ünïcødé-session-id',
      'ctrl\u0000\u0007chars-id',
      'has spaces in it',
      '../../etc/passwd',
      '',
    ]

    it('behave like an unknown id: a fresh session, never a throw, never a prototype touched', async () => {
      const { kit } = await makeKit(fixture)
      for (const id of hostile) {
        const { session, created } = await kit.getOrCreate(id)
        expect([id.slice(0, 20), created]).toEqual([id.slice(0, 20), true])
        expect(session.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
        expect(await kit.get(id)).toBeUndefined()
        expect(await kit.end(id)).toBe(false)
        await expect(kit.regenerate(id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
        await expect(kit.link(id, 'u1')).rejects.toMatchObject({ code: 'NOT_FOUND' })
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
      expect(Object.getPrototypeOf({})).toBe(Object.prototype)
    })
  })
}
