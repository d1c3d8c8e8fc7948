import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createSessionHandler, type FetchSession } from '../../src/http/fetch.js'
import { route } from './routes.js'
import { bearer, COOKIE, defineHttpSuite } from './suite.js'

defineHttpSuite('Hono on Node', async (kit) => {
  const sessions = createSessionHandler(kit, {
    cookie: COOKIE,
    userId: (req) => bearer(req.headers.get('authorization')),
  })
  const app = new Hono<{ Variables: { http: FetchSession<Record<string, never>, string> } }>()
  app.use(async (c, next) => {
    const http = await sessions.handle(c.req.raw)
    c.set('http', http)
    await next()
    c.res = http.apply(c.res)
  })
  app.all('*', async (c) => {
    const body = c.req.header('content-type') === 'application/json' ? await c.req.json() : undefined
    const { status, json } = await route(c.get('http'), c.req.method, c.req.path, body)
    return json === undefined ? c.body(null, status as 204) : c.json(json, status as 200)
  })
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
})
