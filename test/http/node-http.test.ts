import { createServer, get, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createSessionMiddleware } from '../../src/http/node.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import { postgresUrl, usePostgres } from '../helpers/postgres.js'
import { route } from './routes.js'
import { bearer, COOKIE, defineHttpSuite, parseSetCookie, type TestApp } from './suite.js'

async function readJson(req: IncomingMessage): Promise<{ text?: string; user?: string } | undefined> {
  let text = ''
  for await (const chunk of req) text += chunk
  return text === '' ? undefined : JSON.parse(text)
}

const startNodeApp = async (kit: SessionKit<Record<string, never>, string>): Promise<TestApp> => {
  const sessions = createSessionMiddleware(kit, {
    cookie: COOKIE,
    userId: (req) => bearer(req.headers.authorization),
  })
  const server = createServer((req, res) => {
    sessions(req, res, async (error) => {
      if (error !== undefined) return void res.writeHead(500).end()
      const url = new URL(req.url ?? '/', 'http://localhost')
      const { status, json } = await route(
        sessions.of(req),
        req.method ?? 'GET',
        url.pathname,
        await readJson(req),
      )
      if (json === undefined) res.writeHead(status).end()
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

defineHttpSuite('node:http driven by fetch', startNodeApp)
// The same suite with the sessions in PostgreSQL: cookies, rotation, ownership and 429s on a
// shared, durable store.
if (postgresUrl !== undefined) {
  const postgres = usePostgres()
  defineHttpSuite('node:http on PostgreSQL', startNodeApp, (clock) => postgres.makeStore(clock))
}

describe('cookie defaults on node:http', () => {
  async function serveWith(options: Parameters<typeof createSessionMiddleware>[1], host?: string) {
    const kit = createSessionKit()
    const sessions = createSessionMiddleware(kit, options)
    const server = createServer((req, res) => {
      res.setHeader('set-cookie', 'theme=dark; Path=/')
      sessions(req, res, () =>
        res.end(String((req as IncomingMessage & { session: { id: string } }).session.id)),
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    // node:http's own client: fetch does not let a caller set Host.
    const { body, cookies } = await new Promise<{ body: string; cookies: string[] }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, headers: host === undefined ? {} : { host } }, (res) => {
        let text = ''
        res.on('data', (chunk) => {
          text += chunk
        })
        res.on('end', () => resolve({ body: text, cookies: res.headers['set-cookie'] ?? [] }))
      }).on('error', reject)
    })
    server.close()
    await kit.close()
    return { body, cookies }
  }

  it('plain http to localhost: no Secure, so no __Host- prefix, and the other cookies the app set stay', async () => {
    const { body, cookies } = await serveWith({})
    expect(cookies[0]).toBe('theme=dark; Path=/')
    const sid = parseSetCookie(cookies[1]!)
    expect(sid.name).toBe('sid')
    expect(sid.value.startsWith(`${body}.`)).toBe(true)
    expect(sid.flags.has('secure')).toBe(false)
    expect(sid.flags.get('samesite')).toBe('Lax')
    expect(sid.flags.has('httponly')).toBe(true)
  })

  it('any other host stays Secure with the __Host- prefix, even over plain http behind a proxy', async () => {
    const { cookies } = await serveWith({}, 'shop.example.com')
    const sid = parseSetCookie(cookies[1]!)
    expect(sid.name).toBe('__Host-sid')
    expect(sid.flags.has('secure')).toBe(true)
  })

  it('a Domain turns the __Host- prefix off; persistent: false drops Max-Age', async () => {
    const { cookies } = await serveWith(
      { cookie: { domain: 'example.com', persistent: false, name: 'chat' } },
      'a.example.com',
    )
    const sid = parseSetCookie(cookies[1]!)
    expect(sid.name).toBe('chat')
    expect(sid.flags.get('domain')).toBe('example.com')
    expect(sid.flags.has('max-age')).toBe(false)
  })
})
