import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createChatServer } from '../../examples/chat-server.js'
import { startGateway } from '../../examples/gateway.js'
import { createSessionKit } from '../../src/kit.js'
import { createRateLimiter } from '../../src/limits/limiter.js'

describe('the examples answer 429 with the rate-limit headers', () => {
  it('gateway: per API key', async () => {
    const limiter = createRateLimiter({
      rules: [{ name: 'requests', per: 'tenant', limit: 2, windowMs: 60_000 }],
    })
    const gw = await startGateway({ limiter })
    try {
      const call = (key: string) =>
        fetch(`${gw.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] }),
        })
      const first = await call('key-A')
      expect([first.status, first.headers.get('ratelimit-remaining')]).toEqual([200, '1'])
      await call('key-A')
      const refused = await call('key-A')
      expect(refused.status).toBe(429)
      expect(
        Object.fromEntries(
          ['ratelimit-limit', 'ratelimit-remaining', 'retry-after'].map((h) => [h, refused.headers.get(h)]),
        ),
      ).toEqual({
        'ratelimit-limit': '2',
        'ratelimit-remaining': '0',
        'retry-after': '60',
      })
      expect((await call('key-B')).status).toBe(200)
    } finally {
      await gw.close()
    }
  })

  it('chat server: per session', async () => {
    const kit = createSessionKit({
      limits: { rules: [{ name: 'queries', per: 'session', limit: 1, windowMs: 60_000 }] },
    })
    const server = createChatServer({ kit }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/query`
      const ask = (sessionId?: string) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ q: 'Hi', sessionId }),
        })
      const first = await ask()
      const { sessionId } = (await first.json()) as { sessionId: string }
      const refused = await ask(sessionId)
      expect([
        refused.status,
        refused.headers.get('retry-after'),
        refused.headers.get('ratelimit-reset'),
      ]).toEqual([429, '60', '60'])
      expect(await refused.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } })
      // The streamed route takes from the same quota, and refuses before the stream starts.
      const stream = await fetch(`${url}/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'Hi', sessionId }),
      })
      expect([stream.status, stream.headers.get('content-type'), stream.headers.get('retry-after')]).toEqual([
        429,
        'application/json; charset=utf-8',
        '60',
      ])
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('chat server: login attempts per client address, the right password included', async () => {
    const kit = createSessionKit({
      limits: { rules: [{ name: 'logins', per: 'ip', limit: 2, windowMs: 15 * 60_000 }] },
    })
    const server = createChatServer({
      kit,
      secret: 'a test secret that is long enough, 32+ bytes',
      authenticate: ({ user, password }) => (password === `${user}-password` ? user : undefined),
    }).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const login = (password: string) =>
        fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: 'asha', password }),
        })
      expect((await login('guess-1')).status).toBe(401)
      const second = await login('guess-2')
      expect([second.status, second.headers.get('ratelimit-remaining')]).toEqual([401, '0'])
      const refused = await login('asha-password')
      expect([refused.status, refused.headers.get('retry-after'), refused.headers.get('set-cookie')]).toEqual(
        [429, '900', null],
      )
      // The subject is the client's address, which has used both attempts.
      expect((await kit.limits.consume({ ip: '127.0.0.1' }, { logins: 0 })).remaining).toBe(0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
