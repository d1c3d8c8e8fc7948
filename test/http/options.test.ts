import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { isSessionKitError } from '../../src/errors.js'
import { createSessionHandler } from '../../src/http/fetch.js'
import { createSessionMiddleware } from '../../src/http/node.js'
import { createSessionKit } from '../../src/kit.js'

describe('sessionkit/http options and misuse', () => {
  const kit = createSessionKit()

  it.each([
    [{ cookie: { name: 'bad name' } }, 'cookie.name'],
    [{ cookie: { name: '__Host-sid' } }, 'cookie.name'],
    [{ cookie: { sameSite: 'none' } }, 'cookie.sameSite'],
    [{ cookie: { path: 'no-slash' } }, 'cookie.path'],
    [{ cookie: { domain: 'evil.com; Secure' } }, 'cookie.domain'],
    [{ cookie: { refreshStepMs: -1 } }, 'cookie.refreshStepMs'],
    [{ cookie: { maxAge: 5 } }, 'cookie.maxAge'],
    [{ userId: 'u1' }, 'userId'],
    [{ cookies: { name: 'sid' } }, 'cookies'],
    [{ cookie: { sameSIte: 'lax' } }, 'cookie.sameSIte'],
  ])('%j is INVALID_CONFIG naming %s', (options, option) => {
    for (const make of [createSessionHandler, createSessionMiddleware]) {
      const error = (() => {
        try {
          make(kit, options as never)
        } catch (e) {
          return e
        }
      })()
      expect(isSessionKitError(error, 'INVALID_CONFIG')).toBe(true)
      expect((error as { details: { option: string } }).details.option).toBe(option)
    }
  })

  it('apply() copies a response whose headers are immutable (one fetch returned)', async () => {
    const sessions = createSessionHandler(kit)
    const http = await sessions.handle(new Request('https://shop.example.com/'))
    const upstream = createServer((_, res) => res.end('hello'))
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    const fetched = await fetch(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`)
    const response = http.apply(fetched)
    upstream.close()
    expect(response.headers.getSetCookie()).toEqual([http.setCookie])
    expect(await response.text()).toBe('hello')
    expect(http.headers.getSetCookie()).toEqual([http.setCookie])
  })

  it('login after the body started is INVALID_ARGUMENT and leaves the session as it was', async () => {
    const sessions = createSessionMiddleware(kit)
    let outcome: unknown
    const server = createServer((req, res) => {
      sessions(req, res, async () => {
        res.write('streaming')
        const before = sessions.of(req).session.id
        outcome = await sessions
          .of(req)
          .login('u1')
          .catch((e: unknown) => e)
        expect(await kit.get(before)).toBeDefined()
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text()
    server.close()
    expect(isSessionKitError(outcome, 'INVALID_ARGUMENT')).toBe(true)
    expect((outcome as Error).message).toContain('before writing the body')
  })

  it('of() on a request the middleware never saw is INVALID_ARGUMENT saying what to do', async () => {
    const sessions = createSessionMiddleware(kit)
    const server = createServer((req, res) => {
      try {
        sessions.of(req)
      } catch (e) {
        res.end((e as Error).message)
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text()
    server.close()
    expect(text).toContain('app.use(sessions)')
  })
})
