import { describe, expect, it } from 'vitest'
import { createSessionKit } from '../../src/kit.js'
import { makeKit } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

forEachStore((fixture) => {
  describe('kit.detect', () => {
    it('gives a gateway the detection and a kit session that follows the conversation', async () => {
      const { kit } = await makeKit(fixture)
      const first = [{ role: 'user' as const, content: 'Plan a trip to Lisbon' }]
      const a = await kit.detect({ messages: first, tenant: 'key-1' })
      expect(a).toMatchObject({ created: true, detection: { kind: 'new' } })
      expect(a.session.id).toBe(a.detection.sessionId)
      await a.session.history.append(...first)
      const reply = { role: 'assistant' as const, content: 'Three days: Alfama, Belem, Sintra.' }
      await kit.detector.bindReply(a.detection, reply)

      const b = await kit.detect({
        messages: [...first, reply, { role: 'user', content: 'And food?' }],
        tenant: 'key-1',
      })
      expect(b).toMatchObject({ created: false, detection: { kind: 'continued' } })
      expect(b.session.id).toBe(a.session.id)
      expect((await b.session.history.list()).messages).toHaveLength(1)

      const other = await kit.detect({
        messages: [...first, reply, { role: 'user', content: 'And food?' }],
        tenant: 'key-2',
      })
      expect(other.session.id).not.toBe(a.session.id)
    })

    it("detects on the store's shared index when it has one, so a second kit (replica) agrees", async () => {
      const { kit, clock } = await makeKit(fixture)
      const shared = kit.store.detectionIndex !== undefined
      const replica = createSessionKit({ store: kit.store })
      const first = [{ role: 'user' as const, content: 'Compare two phone plans' }]
      const a = await kit.detect({ messages: first })
      const reply = { role: 'assistant' as const, content: 'Plan A has more data; plan B is cheaper.' }
      await kit.detector.bindReply(a.detection, reply)
      clock.advance(1_000)
      const b = await replica.detect({
        messages: [...first, reply, { role: 'user', content: 'Which for travel?' }],
      })
      // On one process's memory store the second kit has its own in-process detector.
      expect(b.session.id === a.session.id).toBe(shared)
      expect(b.detection.kind).toBe(shared ? 'continued' : 'fragmented')
    })

    it('refuses a request that is not a chat request', async () => {
      const { kit } = await makeKit(fixture)
      await expect(kit.detect({ messages: 'hello' as never })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      })
    })
  })
})
