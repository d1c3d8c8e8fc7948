import type { AddressInfo } from 'node:net'
import { afterEach, expect, it } from 'vitest'
import { createChatServer, type Responder } from '../../examples/chat-server.js'
import { createManualClock } from '../../src/clock.js'
import { createSessionKit } from '../../src/index.js'
import { forEachStore } from '../helpers/stores.js'
import { T0 } from './scope.js'

const servers: { close(): unknown }[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

forEachStore((fixture) => {
  async function start(responder?: Responder) {
    const clock = createManualClock(T0)
    const kit = createSessionKit({ store: await fixture.make(clock), history: { maxMessages: 50 } })
    const server = createChatServer({ kit, ...(responder === undefined ? {} : { responder }) })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
      const text = await res.text()
      return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }
    }
    return { call, clock }
  }

  it('creates a session with an HttpOnly cookie and answers queries from it, storing each turn', async () => {
    const seen: number[] = []
    const { call } = await start(({ question, context }) => {
      seen.push(context.messages.length)
      return `answer to ${question}`
    })
    const created = await call('POST', '/sessions', undefined, { 'x-user-id': 'asha' })
    expect(created.status).toBe(201)
    const sid = created.body.sessionId as string
    expect(created.headers.get('set-cookie')).toMatch(
      new RegExp(`^sid=${sid}; HttpOnly; SameSite=Lax; Path=/`),
    )
    const cookie = { cookie: `sid=${sid}`, 'x-user-id': 'asha' }
    const q1 = await call('POST', '/query', { q: 'What smartphones do you have?' }, cookie)
    expect(q1).toMatchObject({
      status: 200,
      body: { sessionId: sid, answer: 'answer to What smartphones do you have?', seq: 1 },
    })
    await call('POST', '/query', { q: 'Which has the best camera?' }, cookie)
    expect(seen).toEqual([0, 2])

    const history = await call('GET', `/sessions/${sid}/history?limit=3`, undefined, { 'x-user-id': 'asha' })
    expect(history.status).toBe(200)
    expect(history.body.conversation.map((m: { role: string }) => m.role)).toEqual([
      'assistant',
      'user',
      'assistant',
    ])
    expect(history.body).toMatchObject({ count: 3, nextBefore: 2 })
    expect(history.body.conversation[0].timestamp).toBe(new Date(T0).toISOString())
  })

  it('a query without a session creates one, and a retried query with an Idempotency-Key is stored once', async () => {
    const { call } = await start()
    const first = await call('POST', '/query', { q: 'Any 2BHK in Whitefield?' }, { 'idempotency-key': 'k-1' })
    expect(first.status).toBe(200)
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly/)
    const sid = first.body.sessionId
    const again = await call(
      'POST',
      '/query',
      { q: 'Any 2BHK in Whitefield?', sessionId: sid },
      { 'idempotency-key': 'k-1' },
    )
    expect(again.body).toMatchObject({ duplicate: true, answer: first.body.answer, seq: 1 })
    expect((await call('GET', `/sessions/${sid}/history`)).body.count).toBe(2)
  })

  it('serves info with analytics, preferences and cart, and clears history and cart', async () => {
    const { call } = await start()
    const sid = (await call('POST', '/sessions')).body.sessionId
    await call('POST', '/query', { q: 'Show me smartphones with a great camera', sessionId: sid })
    const prefs = await call('POST', `/sessions/${sid}/preferences`, {
      budget_range: '500-1000',
      preferred_brands: ['Acme'],
    })
    expect(prefs).toMatchObject({ status: 200, body: { preferences: { budget_range: '500-1000' } } })
    const added = await call('POST', `/sessions/${sid}/cart`, {
      sku: 'IPH15PRO-256',
      name: 'Phone 15 Pro',
      unitPrice: 99_900,
    })
    expect(added).toMatchObject({ status: 201, body: { totals: { lines: 1, subtotal: 99_900 } } })
    expect((await call('GET', `/sessions/${sid}/cart`)).body.lines).toHaveLength(1)

    const info = await call('GET', `/sessions/${sid}/info`)
    expect(info.status).toBe(200)
    expect(info.body.analytics).toMatchObject({ messages: 2, userMessages: 1, assistantMessages: 1 })
    expect(info.body.analytics.topTopics.map((t: { word: string }) => t.word)).toContain('smartphones')
    expect(info.body.preferences).toEqual({ budget_range: '500-1000', preferred_brands: ['Acme'] })
    expect(info.body.session.id).toBe(sid)

    expect((await call('DELETE', `/sessions/${sid}/history`)).status).toBe(204)
    expect((await call('GET', `/sessions/${sid}/history`)).body.count).toBe(0)
    expect((await call('DELETE', `/sessions/${sid}/cart`)).status).toBe(204)
    expect((await call('GET', `/sessions/${sid}/cart`)).body.lines).toEqual([])
  })

  it('answers bad input with 400 and a code, an unknown session with 404, another user with 403', async () => {
    const { call } = await start()
    const sid = (await call('POST', '/sessions', undefined, { 'x-user-id': 'asha' })).body.sessionId
    expect(await call('POST', '/query', { q: '' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(await call('POST', '/query', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(
      await call(
        'POST',
        `/sessions/${sid}/cart`,
        { sku: 'X', name: 'x', unitPrice: -1 },
        { 'x-user-id': 'asha' },
      ),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(
      await call('GET', `/sessions/${sid}/history?limit=abc`, undefined, { 'x-user-id': 'asha' }),
    ).toMatchObject({ status: 400 })
    expect(
      await call('GET', `/sessions/${sid}/history?limit=5000`, undefined, { 'x-user-id': 'asha' }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(await call('GET', '/sessions/AAAAAAAAAAAAAAAAAAAAAA/history')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    })
    expect(
      await call('GET', `/sessions/${sid}/history`, undefined, { 'x-user-id': 'mallory' }),
    ).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    })
    expect(
      await call('POST', '/query', { q: 'hi', sessionId: sid }, { 'x-user-id': 'mallory' }),
    ).toMatchObject({ status: 403 })
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404 })
  })
})
