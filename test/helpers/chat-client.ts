import type { AddressInfo } from 'node:net'
import { afterEach } from 'vitest'
import { type ChatServerOptions, createChatServer } from '../../examples/chat-server.js'
import { createManualClock } from '../../src/clock.js'
import { createSessionKit } from '../../src/index.js'
import { T0 } from './kit.js'
import type { StoreFixture } from './stores.js'

/**
 * A browser against the chat example (see `startChat`): a cookie jar that sends its cookies and
 * keeps what the server sets (`Max-Age=0` clears one), so a test can plant, steal and replay them.
 */
export type Browser = ReturnType<Awaited<ReturnType<typeof startChat>>['browser']>

const servers: { close(): unknown }[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.close()
})

/** Starts the chat example on a real port with a kit on `fixture`; `browser()` opens a new cookie jar. */
export async function startChat(fixture: StoreFixture, options: Omit<ChatServerOptions, 'kit'> = {}) {
  const clock = createManualClock(T0)
  const kit = createSessionKit({ store: await fixture.make(clock), history: { maxMessages: 50 } })
  const server = createChatServer({
    kit,
    secret: 'a test secret that is long enough, 32+ bytes',
    authenticate: ({ user, password }) => (password === `${user}-password` ? user : undefined),
    ...options,
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  function browser() {
    const cookies = new Map<string, string>()
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const jar = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(jar === '' ? {} : { cookie: jar }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
      for (const set of res.headers.getSetCookie()) {
        const [pair = ''] = set.split(';')
        const at = pair.indexOf('=')
        const name = pair.slice(0, at)
        if (/Max-Age=0/.test(set)) cookies.delete(name)
        else cookies.set(name, pair.slice(at + 1))
      }
      const text = await res.text()
      return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }
    }
    return {
      cookies,
      call,
      login: (user: string, password = `${user}-password`) => call('POST', '/login', { user, password }),
    }
  }
  return { browser, clock, kit }
}
