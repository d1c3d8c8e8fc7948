import { describe, expect, it } from 'vitest'
import { idDigest } from '../../src/ids.js'
import { userRecordId } from '../../src/kit/core.js'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'
import { collect, fillUser } from '../helpers/user-data.js'

forEachStore((fixture) => {
  describe('kit.users.export', () => {
    it('returns everything stored for the user, sessions named by digests, never by their ids', async () => {
      const { kit } = await makeKit(fixture)
      const ids = await fillUser(kit, 'erin')
      await fillUser(kit, 'frank')
      const { text, json } = await collect(kit.users.export('erin'))
      expect(json).toMatchObject({ format: 'sessionkit.user-export/1', userId: 'erin' })
      expect(json.sessions.map((s) => s.session).sort()).toEqual(ids.live.map(idDigest).sort())
      for (const session of json.sessions) {
        expect(session.userId).toBe('erin')
        expect(Object.keys(session.parts).sort()).toEqual([
          'cache',
          'cart',
          'history',
          'history.summary',
          'prefs',
          'seen',
          'state',
        ])
        expect(session.parts.state).toMatchObject({ kind: 'value', value: { phase: 'negotiation' } })
        expect(JSON.stringify(session.parts['history.summary'])).toContain('erin wants a 2BHK')
      }
      expect(text).toContain('erin message 5')
      expect(text).toContain('two bedrooms, hall, kitchen')
      expect(text).not.toContain('frank')
      expect(Object.keys(json.user?.parts ?? {}).sort()).toEqual(['seen', 'sessions'])
      expect(Object.keys(json.user?.parts.sessions?.entries ?? {}).sort()).toEqual(
        ids.live.map(idDigest).sort(),
      )
      for (const id of [...ids.live, ...ids.ended]) expect(text).not.toContain(id)
    })

    it('streams a user with no data as an empty document; a malformed user id is INVALID_ARGUMENT', async () => {
      const { kit } = await makeKit(fixture)
      expect((await collect(kit.users.export('nobody'))).json).toMatchObject({ user: null, sessions: [] })
      await expect(collect(kit.users.export('__proto__'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    })
  })

  describe('kit.users.erase', () => {
    it('deletes every session and the user record, idempotently, and leaves other users alone', async () => {
      const { kit } = await makeKit(fixture)
      const erin = await fillUser(kit, 'erin')
      const frank = await fillUser(kit, 'frank')
      const ended: string[] = []
      kit.on('ended', (e) => ended.push(e.sessionId))
      expect(await kit.users.erase('erin')).toEqual({ sessions: 2, userRecord: true })
      expect(ended.sort()).toEqual([...erin.live].sort())
      expect(await kit.users.erase('erin')).toEqual({ sessions: 0, userRecord: false })
      for (const id of erin.live) {
        expect(await kit.store.readRecord(id)).toBeUndefined()
        expect(await kit.get(id, { userId: 'erin' })).toBeUndefined()
      }
      expect(await kit.store.readRecord(userRecordId('erin'))).toBeUndefined()
      expect(await kit.sessionsOf('erin')).toEqual([])
      expect((await collect(kit.users.export('erin'))).json).toMatchObject({ user: null, sessions: [] })
      // Ended ids stay dead after erasure, and frank keeps everything.
      await expect(kit.create({ id: erin.live[0] })).rejects.toMatchObject({ code: 'CONFLICT' })
      expect((await collect(kit.users.export('frank'))).json.sessions).toHaveLength(2)
      expect((await kit.sessionsOf('frank')).map((i) => i.id).sort()).toEqual([...frank.live].sort())
    })

    it('with scan, also finds sessions bound to the user that the user record does not list', async () => {
      const { kit } = await makeKit(fixture)
      const lost = await kit.create({ userId: 'erin' })
      await lost.state.replace({ note: 'unlisted' })
      await kit.store.updateMap(userRecordId('erin'), 'sessions', { delete: [lost.id] })
      expect((await collect(kit.users.export('erin'))).json.sessions).toHaveLength(0)
      expect((await collect(kit.users.export('erin', { scan: true }))).json.sessions).toHaveLength(1)
      expect(await kit.users.erase('erin', { scan: true })).toEqual({ sessions: 1, userRecord: true })
      expect(await kit.store.readRecord(lost.id)).toBeUndefined()
    })
  })
})
