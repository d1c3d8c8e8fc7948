import { expect, it } from 'vitest'
import { startChat } from '../helpers/chat-client.js'
import { T0 } from '../helpers/kit.js'
import { forEachStore } from '../helpers/stores.js'

forEachStore((fixture) => {
  it('creates a session with an HttpOnly cookie and answers queries from it, storing each turn', async () => {
    const seen: number[] = []
    const { browser } = await startChat(fixture, {
      responder: ({ question, context }) => {
        seen.push(context.messages.length)
        return `answer to ${question}`
      },
    })
    const asha = browser()
    expect((await asha.login('asha')).status).toBe(200)
    const created = await asha.call('POST', '/sessions')
    expect(created.status).toBe(201)
    const sid = created.body.sessionId as string
    expect(created.headers.get('set-cookie')).toMatch(
      new RegExp(`^sid=${sid}; HttpOnly; SameSite=Lax; Path=/`),
    )
    const q1 = await asha.call('POST', '/query', { q: 'What smartphones do you have?' })
    expect(q1).toMatchObject({
      status: 200,
      body: { sessionId: sid, answer: 'answer to What smartphones do you have?', seq: 1 },
    })
    await asha.call('POST', '/query', { q: 'Which has the best camera?' })
    expect(seen).toEqual([0, 2])

    const history = await asha.call('GET', `/sessions/${sid}/history?limit=3`)
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
    const { browser } = await startChat(fixture)
    const client = browser()
    const first = await client.call(
      'POST',
      '/query',
      { q: 'Any 2BHK in Whitefield?' },
      { 'idempotency-key': 'k-1' },
    )
    expect(first.status).toBe(200)
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly/)
    const sid = first.body.sessionId
    const again = await client.call(
      'POST',
      '/query',
      { q: 'Any 2BHK in Whitefield?', sessionId: sid },
      { 'idempotency-key': 'k-1' },
    )
    expect(again.body).toMatchObject({ duplicate: true, answer: first.body.answer, seq: 1 })
    expect((await client.call('GET', `/sessions/${sid}/history`)).body.count).toBe(2)
  })

  it('serves info with analytics, preferences and cart, and clears history and cart', async () => {
    const { browser } = await startChat(fixture)
    const client = browser()
    const sid = (await client.call('POST', '/sessions')).body.sessionId
    await client.call('POST', '/query', { q: 'Show me smartphones with a great camera', sessionId: sid })
    const prefs = await client.call('POST', `/sessions/${sid}/preferences`, {
      budget_range: '500-1000',
      preferred_brands: ['Acme'],
    })
    expect(prefs).toMatchObject({ status: 200, body: { preferences: { budget_range: '500-1000' } } })
    const added = await client.call('POST', `/sessions/${sid}/cart`, {
      sku: 'IPH15PRO-256',
      name: 'Phone 15 Pro',
      unitPrice: 99_900,
    })
    expect(added).toMatchObject({ status: 201, body: { totals: { lines: 1, subtotal: 99_900 } } })
    expect((await client.call('GET', `/sessions/${sid}/cart`)).body.lines).toHaveLength(1)

    const info = await client.call('GET', `/sessions/${sid}/info`)
    expect(info.status).toBe(200)
    expect(info.body.analytics).toMatchObject({ messages: 2, userMessages: 1, assistantMessages: 1 })
    expect(info.body.analytics.topTopics.map((t: { word: string }) => t.word)).toContain('smartphones')
    expect(info.body.preferences).toEqual({ budget_range: '500-1000', preferred_brands: ['Acme'] })
    expect(info.body.session.id).toBe(sid)

    expect((await client.call('DELETE', `/sessions/${sid}/history`)).status).toBe(204)
    expect((await client.call('GET', `/sessions/${sid}/history`)).body.count).toBe(0)
    expect((await client.call('DELETE', `/sessions/${sid}/cart`)).status).toBe(204)
    expect((await client.call('GET', `/sessions/${sid}/cart`)).body.lines).toEqual([])
  })

  it('answers bad input with 400 and a code, an unknown session with 404, another user with 403', async () => {
    const { browser } = await startChat(fixture)
    const asha = browser()
    await asha.login('asha')
    const sid = (await asha.call('POST', '/sessions')).body.sessionId
    expect(await asha.call('POST', '/query', { q: '' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(await asha.call('POST', '/query', '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(
      await asha.call('POST', `/sessions/${sid}/cart`, { sku: 'X', name: 'x', unitPrice: -1 }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(await asha.call('GET', `/sessions/${sid}/history?limit=abc`)).toMatchObject({ status: 400 })
    expect(await asha.call('GET', `/sessions/${sid}/history?limit=5000`)).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT' } },
    })
    expect(await asha.call('GET', '/sessions/AAAAAAAAAAAAAAAAAAAAAA/history')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    })
    const ravi = browser()
    await ravi.login('ravi')
    expect(await ravi.call('GET', `/sessions/${sid}/history`)).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    })
    expect(await ravi.call('POST', '/query', { q: 'hi', sessionId: sid })).toMatchObject({ status: 403 })
    expect(await asha.call('GET', '/nowhere')).toMatchObject({ status: 404 })
  })
})
