import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createSessionId } from '../../src/ids.js'
import { createSessionKit, type SessionKit } from '../../src/kit.js'
import type { SessionStore } from '../../src/store/contract.js'
import { createMemoryStore } from '../../src/store/memory.js'
import { T0 } from '../helpers/kit.js'

/** A running app under test, made by each framework's file from the kit the suite gives it. */
export interface TestApp {
  readonly url: string
  close(): Promise<void>
}

/** What every test app answers: the session it saw and what it stored there. */
export interface Seen {
  readonly sessionId: string
  readonly created: boolean
  readonly userId: string | null
  readonly note: string | null
}

export const IDLE_MS = 30 * 60_000
export const STEP_MS = 60_000
/** The cookie options every framework's app passes: Secure on, so the `__Host-` prefix applies. */
export const COOKIE = { secure: true, refreshStepMs: STEP_MS } as const
export const NAME = '__Host-sid'

/**
 * The signed-in user of a test request: a stand-in for real authentication (a verified token),
 * read from `authorization: Bearer <user>`.
 */
export function bearer(header: string | null | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined
}

/** One `Set-Cookie` value, parsed. */
export function parseSetCookie(header: string) {
  const [pair = '', ...attrs] = header.split(';').map((s) => s.trim())
  const at = pair.indexOf('=')
  const flags = new Map(attrs.map((a) => [a.split('=')[0]!.toLowerCase(), a.split('=')[1] ?? true] as const))
  return { name: pair.slice(0, at), value: pair.slice(at + 1), flags }
}

/** A browser's cookie jar against one app: sends what it holds, keeps what the server sets. */
export function browser(base: () => string) {
  const jar = new Map<string, string>()
  let last: string[] = []
  let lastHeaders = new Headers()
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(cookie === '' ? {} : { cookie }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    last = res.headers.getSetCookie()
    lastHeaders = res.headers
    for (const set of last) {
      const { name, value, flags } = parseSetCookie(set)
      if (flags.get('max-age') === '0') jar.delete(name)
      else jar.set(name, value)
    }
    const text = await res.text()
    return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as Seen }
  }
  return {
    jar,
    /** The `Set-Cookie` headers of the last response. */
    setCookies: () => last,
    /** The headers of the last response. */
    headers: () => lastHeaders,
    whoami: (headers?: Record<string, string>) => call('GET', '/whoami', undefined, headers),
    note: (text: string, headers?: Record<string, string>) => call('POST', '/note', { text }, headers),
    login: (user: string) => call('POST', '/login', { user }),
    logout: (headers?: Record<string, string>) => call('POST', '/logout', {}, headers),
    ask: () => call('POST', '/ask', {}),
  }
}

/**
 * The HTTP behaviour every framework integration must show, against a real server and a real
 * client: cookie flags, refresh by step, rotation at login, logout, expiry, and forged, stale or
 * foreign cookies answered with a new session and a new cookie. `start` serves the routes
 * `GET /whoami`, `POST /note {text}` (state), `POST /login {user}`, `POST /logout` and
 * `POST /ask` (2 a minute per session, through `limit()`) on `kit`.
 */
export function defineHttpSuite(
  framework: string,
  start: (kit: SessionKit<Record<string, never>, string>) => Promise<TestApp>,
  makeStore?: (clock: ManualClock) => Promise<SessionStore>,
) {
  describe(`${framework}: sessions over real HTTP`, () => {
    let clock: ManualClock
    let kit: SessionKit<Record<string, never>, string>
    let app: TestApp
    const url = () => app.url

    beforeAll(async () => {
      clock = createManualClock(T0)
      const store =
        makeStore === undefined ? createMemoryStore({ clock, sweepIntervalMs: 0 }) : await makeStore(clock)
      kit = createSessionKit<Record<string, never>, string>({
        store,
        ttl: { idleMs: IDLE_MS },
        limits: { rules: [{ name: 'asks', per: 'session', limit: 2, windowMs: 60_000 }] },
      })
      app = await start(kit)
    })
    afterAll(async () => {
      await app.close()
      await kit.close()
    })

    it('a first request gets a session and a cookie with the secure flags and Max-Age from its lifetime', async () => {
      const b = browser(url)
      const first = await b.whoami()
      expect(first.status).toBe(200)
      expect(first.body.created).toBe(true)
      const [set, ...more] = b.setCookies()
      expect(more).toEqual([])
      const cookie = parseSetCookie(set!)
      expect(cookie.name).toBe(NAME)
      expect(cookie.value.split('.')[0]).toBe(first.body.sessionId)
      expect(Object.fromEntries(cookie.flags)).toEqual({
        'max-age': String((IDLE_MS + STEP_MS) / 1000),
        path: '/',
        httponly: true,
        secure: true,
        samesite: 'Lax',
      })
    })

    it('sends the cookie again only when the expiry moved by the refresh step', async () => {
      const b = browser(url)
      const { body } = await b.whoami()
      clock.advance(STEP_MS / 2)
      const again = await b.note('kept')
      expect(again.body).toMatchObject({ sessionId: body.sessionId, created: false, note: 'kept' })
      expect(b.setCookies()).toEqual([])
      clock.advance(STEP_MS)
      const later = await b.whoami()
      expect(later.body).toMatchObject({ sessionId: body.sessionId, note: 'kept' })
      const refreshed = parseSetCookie(b.setCookies()[0]!)
      expect(refreshed.value.split('.')[0]).toBe(body.sessionId)
      expect(refreshed.flags.get('max-age')).toBe(String((IDLE_MS + STEP_MS) / 1000))
    })

    it('rotates the id at login: the old cookie is dead, the session and its data moved', async () => {
      const b = browser(url)
      const anonymous = await b.note('before login')
      const planted = b.jar.get(NAME)!
      const login = await b.login('asha')
      expect(login.body.sessionId).not.toBe(anonymous.body.sessionId)
      expect(login.body).toMatchObject({ userId: 'asha', note: 'before login' })
      expect(parseSetCookie(b.setCookies()[0]!).value.split('.')[0]).toBe(login.body.sessionId)
      const withLogin = await b.whoami({ authorization: 'Bearer asha' })
      expect(withLogin.body).toMatchObject({
        sessionId: login.body.sessionId,
        created: false,
        note: 'before login',
      })
      // Whoever kept the cookie from before the login (an attacker who planted it) gets nothing.
      const attacker = browser(url)
      attacker.jar.set(NAME, planted)
      const seen = await attacker.whoami()
      expect(seen.body.created).toBe(true)
      expect(seen.body.note).toBeNull()
      expect(seen.body.sessionId).not.toBe(anonymous.body.sessionId)
    })

    it('logout ends the session and clears the cookie; replaying it starts a new session', async () => {
      const b = browser(url)
      const login = await b.login('ravi')
      await b.note('secret', { authorization: 'Bearer ravi' })
      const stolen = b.jar.get(NAME)!
      const out = await b.logout({ authorization: 'Bearer ravi' })
      expect(out.status).toBe(204)
      const cleared = parseSetCookie(b.setCookies()[0]!)
      expect(cleared).toMatchObject({ name: NAME, value: '' })
      expect(cleared.flags.get('max-age')).toBe('0')
      expect(b.jar.has(NAME)).toBe(false)
      expect(await kit.get(login.body.sessionId, { trusted: true })).toBeUndefined()
      const replay = browser(url)
      replay.jar.set(NAME, stolen)
      const seen = await replay.whoami({ authorization: 'Bearer ravi' })
      expect(seen.body).toMatchObject({ created: true, note: null })
      expect(replay.setCookies()).toHaveLength(1)
    })

    it('a stale cookie (the session expired) yields a new session with a new cookie', async () => {
      const b = browser(url)
      const first = await b.note('old')
      clock.advance(IDLE_MS + 1)
      const after = await b.whoami()
      expect(after.body).toMatchObject({ created: true, note: null })
      expect(after.body.sessionId).not.toBe(first.body.sessionId)
      expect(parseSetCookie(b.setCookies()[0]!).value.split('.')[0]).toBe(after.body.sessionId)
    })

    it.each([
      ['an id never issued', () => `${createSessionId()}.zzzz`],
      ['a hostile name', () => '__proto__'],
      ['garbage', () => `${'x'.repeat(4000)}"; Path=/evil`],
      ['a forged stamp far in the future', () => `${createSessionId()}.${'z'.repeat(10)}`],
    ])(
      'a forged cookie (%s) yields a new session with a new cookie, never the forged id',
      async (_, forge) => {
        const b = browser(url)
        const forged = forge()
        b.jar.set(NAME, forged)
        const seen = await b.whoami()
        expect(seen.status).toBe(200)
        expect(seen.body.created).toBe(true)
        expect(forged.startsWith(seen.body.sessionId)).toBe(false)
        expect(parseSetCookie(b.setCookies()[0]!).value.split('.')[0]).toBe(seen.body.sessionId)
      },
    )

    it('limit() puts the RateLimit headers on the response beside the cookie; past the limit, 429 with Retry-After', async () => {
      const b = browser(url)
      const first = await b.ask()
      expect(first.status).toBe(200)
      expect(b.setCookies()).toHaveLength(1)
      expect(b.headers().get('ratelimit-limit')).toBe('2')
      expect(b.headers().get('ratelimit-remaining')).toBe('1')
      expect(b.headers().get('retry-after')).toBeNull()
      await b.ask()
      const refused = await b.ask()
      expect(refused.status).toBe(429)
      expect(b.headers().get('ratelimit-remaining')).toBe('0')
      expect(b.headers().get('retry-after')).toBe('60')
      // The limit is the session's: another browser's session is not refused.
      const other = browser(url)
      expect((await other.ask()).status).toBe(200)
      clock.advance(60_000)
      expect((await b.ask()).status).toBe(200)
    })

    it("a logged-in user's cookie without that user's login (stolen) reaches nothing: a new session", async () => {
      const victim = browser(url)
      await victim.login('mei')
      await victim.note('private', { authorization: 'Bearer mei' })
      const thief = browser(url)
      thief.jar.set(NAME, victim.jar.get(NAME)!)
      const anonymous = await thief.whoami()
      expect(anonymous.body).toMatchObject({ created: true, note: null })
      const other = browser(url)
      other.jar.set(NAME, victim.jar.get(NAME)!)
      expect((await other.whoami({ authorization: 'Bearer eve' })).body).toMatchObject({
        created: true,
        note: null,
      })
      expect((await victim.whoami({ authorization: 'Bearer mei' })).body).toMatchObject({ note: 'private' })
    })
  })
}
