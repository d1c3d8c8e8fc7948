import type { AddressInfo } from 'node:net'
import fastifyExpress from '@fastify/express'
import Fastify from 'fastify'
import { createSessionMiddleware } from '../../src/http/node.js'
import { route } from './routes.js'
import { bearer, COOKIE, defineHttpSuite } from './suite.js'

defineHttpSuite('Fastify through @fastify/express', async (kit) => {
  const sessions = createSessionMiddleware(kit, {
    cookie: COOKIE,
    userId: (req) => bearer(req.headers.authorization),
  })
  const app = Fastify()
  await app.register(fastifyExpress)
  app.use(sessions)
  app.all('/*', async (request, reply) => {
    const body = request.body as { text?: string; user?: string } | undefined
    const { status, json } = await route(sessions.of(request.raw), request.method, request.url, body)
    return reply.code(status).send(json)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  }
})
