import type { AddressInfo } from 'node:net'
import express from 'express'
import { createSessionMiddleware } from '../../src/http/node.js'
import { route } from './routes.js'
import { bearer, COOKIE, defineHttpSuite } from './suite.js'

defineHttpSuite('Express 5', async (kit) => {
  const sessions = createSessionMiddleware(kit, {
    cookie: COOKIE,
    userId: (req) => bearer(req.headers.authorization),
  })
  const app = express()
  app.use(express.json())
  app.use(sessions)
  app.all('/{*path}', async (req, res) => {
    const { status, json } = await route(sessions.of(req), req.method, req.path, req.body)
    if (json === undefined) res.status(status).end()
    else res.status(status).json(json)
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
})
