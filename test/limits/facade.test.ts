import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { idDigest } from '../../src/ids.js'
import { createSessionKit } from '../../src/kit.js'
import { rateLimitHeaders } from '../../src/limits/headers.js'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const limits = {
  rules: [
    { name: 'requests', per: 'session', limit: 2, windowMs: MINUTE },
    { name: 'tokens', per: 'user', limit: 1000, windowMs: HOUR },
    { name: 'tenant-requests', per: 'tenant', cost: 'requests', limit: 100, windowMs: MINUTE },
  ],
} as const

forEachStore((fixture) => {
  describe('session.limits and kit.limits', () => {
    it('per-user rules are shared by all of a user’s sessions, on every device; per-session ones are not', async () => {
      const { kit } = await makeKit(fixture, { limits })
      const web = await kit.create({ userId: 'u1', deviceId: 'web' })
      const phone = await kit.create({ userId: 'u1', deviceId: 'ios' })
      expect(await web.limits.consume({ requests: 2, tokens: 600 })).toMatchObject({ allowed: true })
      // The phone has its own session window, but the user's tokens are shared.
      const refused = await phone.limits.consume({ requests: 1, tokens: 600 })
      expect(refused).toMatchObject({ allowed: false, limited: ['tokens'] })
      expect(refused.rules.map((r) => [r.name, r.subject])).toEqual([
        ['requests', `session:${idDigest(phone.id)}`],
        ['tokens', 'user:u1'],
      ])
      expect((await phone.limits.consume({ requests: 2, tokens: 400 })).allowed).toBe(true)
      // Another user is untouched.
      const other = await kit.create({ userId: 'u2' })
      expect((await other.limits.consume({ tokens: 1000 })).allowed).toBe(true)
      // A store with a rate-limit backend keeps the windows (Redis, Postgres); the memory store, the process.
      expect(kit.limits.stats().backend).toBe(kit.store.rateLimits === undefined ? 'memory' : 'store')
      expect(kit.store.rateLimits === undefined).toBe(fixture.name === 'memory')
    })

    it('a rotation (kit.link, session.regenerate, kit.regenerate, a second link) keeps the session’s windows: rotating never resets a limit', async () => {
      const { kit } = await makeKit(fixture, { limits })
      const anonymous = await kit.create()
      expect((await anonymous.limits.consume({ requests: 2 })).allowed).toBe(true)
      const refused = await anonymous.limits.consume({ requests: 1 })
      expect(refused).toMatchObject({ allowed: false, limited: ['requests'] })
      // The session is counted under its key, a digest of its first id: no id (a credential) in a key.
      expect(refused.rules[0]!.subject).toBe(`session:${idDigest(anonymous.id)}`)
      const loggedIn = await kit.link(anonymous.id, 'u1')
      expect(loggedIn.id).not.toBe(anonymous.id)
      expect(await loggedIn.limits.consume({ requests: 1 })).toMatchObject({
        allowed: false,
        limited: ['requests'],
      })
      const regenerated = await loggedIn.regenerate()
      const again = await regenerated.limits.consume({ requests: 1 })
      expect(again).toMatchObject({ allowed: false, limited: ['requests'] })
      expect(again.rules[0]!.subject).toBe(`session:${idDigest(anonymous.id)}`)
      // kit.regenerate by id, then a second login: each rotation finds the same window.
      const byKit = await kit.regenerate(regenerated.id, { userId: 'u1' })
      expect(byKit.id).not.toBe(regenerated.id)
      expect(await byKit.limits.consume({ requests: 1 })).toMatchObject({
        allowed: false,
        limited: ['requests'],
      })
      const relinked = await kit.link(byKit.id, 'u1', { deviceId: 'phone' })
      expect(relinked.id).not.toBe(byKit.id)
      const last = await relinked.limits.consume({ requests: 1 })
      expect(last).toMatchObject({ allowed: false, limited: ['requests'], remaining: 0 })
      expect(last.rules[0]!.subject).toBe(`session:${idDigest(anonymous.id)}`)
      // A new session is another subject: it starts afresh (per-user and per-tenant rules cover that).
      expect((await (await kit.create()).limits.consume({ requests: 1 })).allowed).toBe(true)
    })

    it('an anonymous session has session rules only; other subjects are added per call', async () => {
      const { kit } = await makeKit(fixture, { limits })
      const s = await kit.create()
      const r = await s.limits.consume({ requests: 1, tokens: 5000 }, { tenant: 'acme' })
      expect(r.allowed).toBe(true)
      expect(r.rules.map((rule) => rule.name)).toEqual(['requests', 'tenant-requests'])
      expect(await kit.limits.consume({ tenant: 'acme' }, { requests: 0 })).toMatchObject({ remaining: 99 })
    })

    it('reserve then settle through the session', async () => {
      const { kit } = await makeKit(fixture, { limits })
      const s = await kit.create({ userId: 'u1' })
      const r = await s.limits.consume({ tokens: 800 })
      await s.limits.settle(r.reservation!, { tokens: 300 })
      expect((await s.limits.consume({ tokens: 0 })).remaining).toBe(700)
      const again = await s.limits.consume({ tokens: 700 })
      await s.limits.refund(again.reservation!)
      expect((await s.limits.consume({ tokens: 0 })).remaining).toBe(700)
    })

    it('refuses a caller that names the session or user itself (they come from the session)', async () => {
      const { kit } = await makeKit(fixture, { limits })
      const s = await kit.create({ userId: 'u1' })
      await expect(s.limits.consume({ tokens: 1 }, { user: 'someone-else' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    })
  })
})

describe('kit option limits', () => {
  it('is checked with the kit: INVALID_CONFIG names the option', () => {
    const bad = [
      [{ rules: [{ name: 'requests', per: 'session', limit: 0, windowMs: MINUTE }] }, 'limits.rules.0.limit'],
      [{ rules: [] }, 'limits.rules'],
      [{ rules: [{ name: 'r', per: 'session', limit: 1, windowMs: 1, burst: 2 }] }, 'limits.rules.0.burst'],
      [{ rules: [{ name: 'r', per: 'session', limit: 1, windowMs: 1 }], extra: 1 }, 'limits.extra'],
    ] as const
    for (const [input, option] of bad) {
      let error: unknown
      try {
        createSessionKit({ limits: input as never })
      } catch (e) {
        error = e
      }
      expect(isSessionKitError(error, 'INVALID_CONFIG'), option).toBe(true)
      expect((error as { details: { option: string } }).details.option).toBe(option)
    }
  })

  it('without it, a consume that charges anything says how to configure rules', async () => {
    const kit = createSessionKit()
    const s = await kit.create()
    await expect(s.limits.consume({ requests: 1 })).rejects.toThrow(
      /createSessionKit\(\{ limits: \{ rules \} \}\)/,
    )
    expect(rateLimitHeaders(await s.limits.consume({}))).toEqual({})
  })
})
