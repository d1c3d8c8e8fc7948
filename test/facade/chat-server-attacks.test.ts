import { describe, expect, it } from 'vitest'
import { startChat } from '../helpers/chat-client.js'
import { forEachStore } from '../helpers/stores.js'

// The chat example tried as an attacker would: its user comes from a signed login cookie only,
// and sessionkit refuses a logged-in user's session to anyone else.

forEachStore((fixture) => {
  describe('chat example under attack', () => {
    it("an anonymous request with a stolen session cookie cannot read, append to or delete a user's data", async () => {
      const { browser } = await startChat(fixture)
      const asha = browser()
      await asha.login('asha')
      await asha.call('POST', '/query', { q: 'My budget is 900' })
      await asha.call('POST', '/query', { q: 'Deliver to 12 Park Street' })
      const stolen = asha.cookies.get('sid')!
      const mallory = browser()
      mallory.cookies.set('sid', stolen)
      for (const [method, path, body] of [
        ['GET', `/sessions/${stolen}/history`, undefined],
        ['GET', `/sessions/${stolen}/info`, undefined],
        ['DELETE', `/sessions/${stolen}/history`, undefined],
        ['DELETE', `/sessions/${stolen}/cart`, undefined],
        ['POST', `/sessions/${stolen}/preferences`, { budget_range: '0-1' }],
        ['POST', '/query', { q: 'what did I say?' }],
        ['POST', '/query', { q: 'what did I say?', sessionId: stolen }],
      ] as const) {
        expect([method, path, (await mallory.call(method, path, body)).status]).toEqual([method, path, 403])
      }
      // A header naming the user proves nothing: only the signed login counts.
      const spoofed = await mallory.call('GET', `/sessions/${stolen}/history`, undefined, {
        'x-user-id': 'asha',
      })
      expect(spoofed.status).toBe(403)
      const own = await asha.call('GET', `/sessions/${stolen}/history`)
      expect(own.body.count).toBe(4)
    })

    it('a forged, tampered or expired login token is refused with 401', async () => {
      const { browser, clock } = await startChat(fixture, { loginTtlMs: 60_000 })
      const asha = browser()
      await asha.login('asha')
      const token = asha.cookies.get('auth')!
      const [user, expiry, signature] = token.split('.') as [string, string, string]
      const forged = [
        `${Buffer.from('ravi').toString('base64url')}.${expiry}.${signature}`,
        `${user}.${Number(expiry) + 3_600_000}.${signature}`,
        `${user}.${expiry}.${Buffer.alloc(32).toString('base64url')}`,
        `${user}.${expiry}`,
        'x'.repeat(5000),
      ]
      for (const bad of forged) {
        const mallory = browser()
        mallory.cookies.set('auth', bad)
        expect((await mallory.call('POST', '/sessions')).status).toBe(401)
      }
      expect((await asha.call('POST', '/sessions')).status).toBe(201)
      clock.advance(60_000)
      expect((await asha.call('POST', '/sessions')).status).toBe(401)
      expect((await asha.login('asha', 'wrong')).status).toBe(401)
      expect((await asha.login('asha')).status).toBe(200)
    })

    it('a planted session cookie is dead after the victim logs in', async () => {
      const { browser } = await startChat(fixture)
      const attacker = browser()
      const planted = (await attacker.call('POST', '/sessions')).body.sessionId as string
      const victim = browser()
      victim.cookies.set('sid', planted)
      await victim.call('POST', '/query', { q: 'Looking for a 2BHK' })
      const login = await victim.login('asha')
      const fresh = login.body.sessionId as string
      expect(fresh).not.toBe(planted)
      expect(victim.cookies.get('sid')).toBe(fresh)
      await victim.call('POST', '/query', { q: 'My phone is 555-0100' })
      expect((await victim.call('GET', `/sessions/${fresh}/history`)).body.count).toBe(4)
      // The attacker still holds the planted id: it names nothing any more.
      expect((await attacker.call('GET', `/sessions/${planted}/history`)).status).toBe(404)
      const replay = await attacker.call('POST', '/query', { q: 'what did they say?' })
      expect(replay.status).toBe(200)
      expect([planted, fresh]).not.toContain(replay.body.sessionId)
      expect((await attacker.call('GET', `/sessions/${fresh}/history`)).status).toBe(403)
    })

    it('logout ends the session: its id is dead, and the next login gets a new one', async () => {
      const { browser } = await startChat(fixture)
      const asha = browser()
      const sid = (await asha.login('asha')).body.sessionId as string
      await asha.call('POST', '/query', { q: 'hello' })
      const token = asha.cookies.get('auth')!
      expect((await asha.call('POST', '/logout')).status).toBe(204)
      expect(asha.cookies.size).toBe(0)
      const replay = browser()
      replay.cookies.set('auth', token)
      expect((await replay.call('GET', `/sessions/${sid}/history`)).status).toBe(404)
      const again = (await asha.login('asha')).body.sessionId as string
      expect(again).not.toBe(sid)
    })

    it("a login on a device holding another user's session starts a new session and leaves theirs alone", async () => {
      const { browser } = await startChat(fixture)
      const shared = browser()
      const ashaSid = (await shared.login('asha')).body.sessionId as string
      await shared.call('POST', '/query', { q: 'asha was here' })
      shared.cookies.delete('auth')
      const raviSid = (await shared.login('ravi')).body.sessionId as string
      expect(raviSid).not.toBe(ashaSid)
      expect((await shared.call('GET', `/sessions/${raviSid}/history`)).body.count).toBe(0)
      expect((await shared.call('GET', `/sessions/${ashaSid}/history`)).status).toBe(403)
    })

    it('refuses a JSON body sent as a form (a cross-site post) with 415', async () => {
      const { browser } = await startChat(fixture)
      const client = browser()
      const res = await client.call('POST', '/login', 'user=asha&password=asha-password', {
        'content-type': 'application/x-www-form-urlencoded',
      })
      expect(res.status).toBe(415)
    })
  })
})
