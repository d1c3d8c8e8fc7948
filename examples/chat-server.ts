// A chatbot backend on node:http with sessionkit: sessions in an HttpOnly cookie, every turn
// stored, the next prompt built within a token budget, history, info, preferences and cart
// over HTTP, answers streamed over Server-Sent Events (POST /query/stream; a client abort keeps the
// partial answer, marked as interrupted), and a login (a signed token in a second HttpOnly cookie)
// that moves the session to a new id. `npx tsx examples/chat-server.ts` listens on PORT (default
// 3000); set LOGIN_SECRET. With DATABASE_URL set, sessions live in that PostgreSQL (migrated at
// start-up), else in memory.
//   curl -N -c jar -b jar -H 'content-type: application/json' -d '{"q":"And near a metro?"}' localhost:3000/query/stream
//   curl -c jar -b jar -H 'content-type: application/json' -d '{"q":"Any 2BHK in Whitefield?"}' localhost:3000/query
//   curl -c jar -b jar -H 'content-type: application/json' -d '{"user":"asha","password":"asha-demo-password"}' localhost:3000/login
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { pathToFileURL } from 'node:url'
import {
  type CartLineInput,
  type ContextResult,
  createSessionKit,
  isSessionKitError,
  type LimitResult,
  rateLimitHeaders,
  type Session,
  type SessionKit,
} from '../src/index.js'
import { type Authenticate, createTokens, demoAuthenticate, processSecret } from './chat-auth.js'
import { clientAddress, cookie, HttpError, header, intParam, readJson } from './chat-request.js'
import { type StreamingResponder, standInStream, streamAnswer } from './chat-stream.js'
import { connectPostgresKit } from './postgres-kit.js'

/** Writes the assistant's answer from the question and the context sessionkit built. */
export type Responder = (input: {
  readonly question: string
  readonly context: ContextResult
  readonly session: Session
}) => Promise<string> | string

/**
 * The example's rate limits: 30 queries a minute per session, and 10 login attempts per 15
 * minutes per client address (password guessing, whether or not they succeed).
 */
export const chatLimitRules = [
  { name: 'queries', per: 'session', limit: 30, windowMs: 60_000 },
  { name: 'logins', per: 'ip', limit: 10, windowMs: 15 * 60_000 },
] as const

/** Options of {@link createChatServer}. */
export interface ChatServerOptions {
  /**
   * The kit sessions live in. Default: `createSessionKit({ history: { maxMessages: 500, ttlMs: 2 h },
   * limits })` with 30 queries a minute per session and 10 login attempts per 15 minutes per client
   * address. A kit whose rules charge no `queries` (or `logins`) leaves that limit out.
   */
  readonly kit?: SessionKit
  /** Default: {@link standInResponder}, which needs no network. */
  readonly responder?: Responder
  /** Token budget of the context handed to the responder. Default 3000. */
  readonly maxTokens?: number
  /** Add `Secure` to the cookies (behind HTTPS: do it in production). Default `false`. */
  readonly secureCookies?: boolean
  /** Signs login tokens; at least 32 bytes. Default: random per process (logins end at a restart). */
  readonly secret?: string | Buffer
  /** Checks a login. Default: {@link demoAuthenticate} (two demo accounts). */
  readonly authenticate?: Authenticate
  /** How long a login lasts. Default 12 hours. */
  readonly loginTtlMs?: number
  /** Streams answers of `POST /query/stream`. Default: {@link standInStream}, which needs no network. */
  readonly streamResponder?: StreamingResponder
  /**
   * When a client aborts a streamed answer, keep what was sent so far as the assistant's message,
   * with `metadata: { interrupted: true }`, so the next turn's context is what the user saw.
   * `false` keeps the question only. Default `true`.
   */
  readonly keepInterrupted?: boolean
}

/**
 * A stand-in for an LLM call: it answers from the question and says how much it remembers.
 *
 * @example
 * createChatServer({ responder: standInResponder })
 */
export const standInResponder: Responder = ({ question, context }) => {
  const earlier = context.messages.length
  const summary = context.summary === undefined ? '' : ' (and a summary of older turns)'
  return `You asked: "${question.slice(0, 200)}". I can see ${earlier} earlier message(s)${summary}.`
}

const MAX_BODY = 64 * 1024
const COOKIE = 'sid'
const AUTH_COOKIE = 'auth'

/**
 * The chat backend as an `http.Server` (not listening yet). Who is asking comes from the signed
 * login cookie only (`POST /login`); the session id (cookie, body or URL) says which conversation,
 * and sessionkit refuses a user's session to anyone else, anonymous callers included (403). A
 * login moves the session to a new id (a planted cookie is dead after it); `POST /logout` ends it.
 *
 * @example
 * const server = createChatServer({ secret: process.env.LOGIN_SECRET }); server.listen(3000)
 */
export function createChatServer(options: ChatServerOptions = {}): Server {
  const kit =
    options.kit ??
    createSessionKit({
      history: { maxMessages: 500, ttlMs: 2 * 3_600_000 },
      limits: { rules: chatLimitRules },
    })
  const responder = options.responder ?? standInResponder
  const maxTokens = options.maxTokens ?? 3_000
  const authenticate = options.authenticate ?? demoAuthenticate
  const loginTtlMs = options.loginTtlMs ?? 12 * 3_600_000
  const streamResponder = options.streamResponder ?? standInStream()
  const keepInterrupted = options.keepInterrupted ?? true
  const tokens = createTokens(options.secret ?? processSecret(), loginTtlMs)
  // Logins expire by the kit's clock, like the sessions they go with.
  const now = () => kit.store.clock.now()
  const cookieFlags = `HttpOnly; SameSite=Lax; Path=/${options.secureCookies === true ? '; Secure' : ''}`
  const setCookies = (res: ServerResponse, cookies: readonly string[]) =>
    res.setHeader(
      'set-cookie',
      cookies.map((c) => `${c}; ${cookieFlags}`),
    )
  const charges = (cost: string) => kit.limits.rules.some((rule) => rule.cost === cost)

  /** Sets the RateLimit headers of `limit`; a refusal is 429 with `Retry-After`. */
  function enforce(res: ServerResponse, limit: LimitResult, what: string): void {
    for (const [name, value] of Object.entries(rateLimitHeaders(limit))) res.setHeader(name, value)
    if (!limit.allowed) throw new HttpError(429, 'RATE_LIMITED', `too many ${what}; see Retry-After`)
  }

  /** The logged-in user, `undefined` when anonymous; a token that is present but invalid is 401. */
  function caller(req: IncomingMessage): string | undefined {
    const token = cookie(req, AUTH_COOKIE)
    if (token === undefined) return undefined
    const userId = tokens.verify(token, now())
    if (userId === undefined)
      throw new HttpError(401, 'UNAUTHENTICATED', 'the login is invalid or has expired; log in again')
    return userId
  }

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (charges('logins'))
      enforce(res, await kit.limits.consume({ ip: clientAddress(req) }, { logins: 1 }), 'logins')
    const body = await readJson(req, MAX_BODY)
    const user = typeof body.user === 'string' ? body.user : ''
    const password = typeof body.password === 'string' ? body.password : ''
    const userId = await authenticate({ user, password })
    if (userId === undefined) throw new HttpError(401, 'UNAUTHENTICATED', 'wrong user or password')
    // The session the visitor had (kept, under a new id) when it is anonymous or already theirs;
    // otherwise (none, ended, another user's) a new one. The old id never survives a login.
    const session = await kit.link(cookie(req, COOKIE) ?? '', userId).catch((error: unknown) => {
      if (isSessionKitError(error, 'NOT_FOUND') || isSessionKitError(error, 'FORBIDDEN')) {
        return kit.create({ userId })
      }
      throw error
    })
    setCookies(res, [
      `${COOKIE}=${session.id}`,
      `${AUTH_COOKIE}=${tokens.sign(userId, now())}; Max-Age=${Math.floor(loginTtlMs / 1000)}`,
    ])
    return send(res, 200, { userId, sessionId: session.id })
  }

  async function logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const userId = caller(req)
    const sid = cookie(req, COOKIE)
    if (userId !== undefined && sid !== undefined) await kit.end(sid, { userId })
    setCookies(res, [`${COOKIE}=; Max-Age=0`, `${AUTH_COOKIE}=; Max-Age=0`])
    return send(res, 204)
  }

  /** A question's session (the cookie's, a body's `sessionId`, or a new one) and its context. */
  async function startTurn(req: IncomingMessage, res: ServerResponse, owner: { userId?: string }) {
    const body = await readJson(req, MAX_BODY)
    const question = body.q
    if (typeof question !== 'string' || question.trim() === '' || question.length > 8_000) {
      throw new HttpError(400, 'INVALID_ARGUMENT', 'q must be a non-empty string of at most 8000 characters')
    }
    const wanted = typeof body.sessionId === 'string' ? body.sessionId : cookie(req, COOKIE)
    const { session, created } = await kit.getOrCreate(wanted, owner)
    if (created) setCookies(res, [`${COOKIE}=${session.id}`])
    if (charges('queries')) enforce(res, await session.limits.consume({ queries: 1 }), 'queries')
    const context = await session.history.context({ maxTokens, reserveTokens: 500 })
    return { session, question, context }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const parts = url.pathname.split('/').filter(Boolean)
    const method = req.method ?? 'GET'
    if (method === 'POST' && url.pathname === '/login') return login(req, res)
    if (method === 'POST' && url.pathname === '/logout') return logout(req, res)
    const userId = caller(req)
    const owner = userId === undefined ? {} : { userId }

    if (method === 'POST' && url.pathname === '/sessions') {
      const session = await kit.create(owner)
      setCookies(res, [`${COOKIE}=${session.id}`])
      return send(res, 201, { sessionId: session.id })
    }
    if (method === 'POST' && url.pathname === '/query') {
      const { session, question, context } = await startTurn(req, res, owner)
      const answer = await responder({ question, context, session })
      const key = header(req, 'idempotency-key')
      const stored = await session.history.append(
        { role: 'user', content: question },
        { role: 'assistant', content: answer },
        key === undefined ? {} : { idempotencyKey: key },
      )
      return send(res, 200, {
        sessionId: session.id,
        answer: stored.messages[1]?.content ?? answer,
        seq: stored.messages[0]?.seq,
        duplicate: stored.duplicate,
      })
    }
    if (method === 'POST' && url.pathname === '/query/stream') {
      const turn = await startTurn(req, res, owner)
      return streamAnswer(req, res, {
        ...turn,
        responder: streamResponder,
        idempotencyKey: header(req, 'idempotency-key'),
        keepInterrupted,
      })
    }
    if (parts[0] === 'sessions' && parts.length === 3) {
      const session = await kit.get(parts[1]!, owner)
      if (session === undefined) throw new HttpError(404, 'NOT_FOUND', 'no live session with this id')
      return sessionRoute(session, parts[2]!, method, url, req, res)
    }
    throw new HttpError(404, 'NOT_FOUND', `no route ${method} ${url.pathname}`)
  }

  async function sessionRoute(
    session: Session,
    what: string,
    method: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    switch (`${method} ${what}`) {
      case 'GET history': {
        const limit = intParam(url, 'limit') ?? 20
        const before = intParam(url, 'before')
        const page = await session.history.list({ limit, ...(before === undefined ? {} : { before }) })
        const conversation = page.messages.map((m) => ({
          seq: m.seq,
          role: m.role,
          content: m.content,
          timestamp: new Date(m.createdAt).toISOString(),
        }))
        return send(res, 200, {
          sessionId: session.id,
          conversation,
          count: conversation.length,
          nextBefore: page.nextBefore,
        })
      }
      case 'DELETE history':
        await session.history.clear()
        return send(res, 204)
      case 'GET info': {
        const [info, stats, preferences, totals] = await Promise.all([
          session.info(),
          session.history.stats(),
          session.preferences.get(),
          session.cart.totals(),
        ])
        if (info === undefined) throw new HttpError(404, 'NOT_FOUND', 'the session ended')
        return send(res, 200, {
          session: {
            ...info,
            createdAt: iso(info.createdAt),
            lastActiveAt: iso(info.lastActiveAt),
            expiresAt: iso(info.expiresAt),
          },
          analytics: {
            durationMs: stats.durationMs,
            messages: stats.messages,
            userMessages: stats.byRole.user,
            assistantMessages: stats.byRole.assistant,
            topTopics: stats.topTopics,
          },
          preferences: preferences ?? {},
          cart: totals,
        })
      }
      case 'POST preferences':
        return send(res, 200, { preferences: await session.preferences.patch(await readJson(req, MAX_BODY)) })
      case 'GET cart': {
        const [lines, totals] = await Promise.all([session.cart.list(), session.cart.totals()])
        return send(res, 200, { lines, totals })
      }
      case 'POST cart': {
        // The cart checks the line itself (INVALID_ARGUMENT names the bad field).
        const line = await session.cart.add((await readJson(req, MAX_BODY)) as unknown as CartLineInput)
        return send(res, 201, { line, totals: await session.cart.totals() })
      }
      case 'DELETE cart':
        await session.cart.clear()
        return send(res, 204)
      default:
        throw new HttpError(404, 'NOT_FOUND', `no route ${method} /sessions/:id/${what}`)
    }
  }

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => sendError(res, error))
  })
}

const statusOf: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  LIMIT_EXCEEDED: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  CONFLICT: 409,
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) {
    send(res, error.status, { error: { code: error.code, message: error.message } })
  } else if (isSessionKitError(error)) {
    send(res, statusOf[error.code] ?? 500, { error: { code: error.code, message: error.message } })
  } else {
    // Anything else is a bug or an outage: the caller gets a code, the operator the whole error.
    console.error(error)
    send(res, 500, { error: { code: 'INTERNAL', message: 'internal error' } })
  }
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return
  if (body === undefined) {
    res.writeHead(status).end()
    return
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 3000)
  const secret = process.env.LOGIN_SECRET
  // Sessions in PostgreSQL when DATABASE_URL is set, in memory otherwise.
  const url = process.env.DATABASE_URL
  const kit =
    url === undefined
      ? undefined
      : (
          await connectPostgresKit(url, {
            history: { maxMessages: 500, ttlMs: 2 * 3_600_000 },
            // The windows live in the database too: every process on it counts in the same ones.
            limits: { rules: chatLimitRules },
          })
        ).kit
  const store = url === undefined ? 'memory' : 'PostgreSQL'
  createChatServer({
    ...(secret === undefined ? {} : { secret }),
    ...(kit === undefined ? {} : { kit }),
  }).listen(port, '127.0.0.1', () =>
    console.log(`chat backend on http://127.0.0.1:${port} (sessions in ${store})`),
  )
}
