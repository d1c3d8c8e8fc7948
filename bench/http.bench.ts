// Sessions over HTTP, beside what Express users pick instead: express-session with its default
// MemoryStore. Two Express 5 apps in this process, each on 127.0.0.1, driven by node:http clients
// on a keep-alive agent (16 requests in flight) holding one cookie per simulated browser (200).
// Each request reads a counter from its session and writes it back plus one: sessionkit through
// `createSessionMiddleware` (a get that counts as activity, then `state.update`), express-session
// through `req.session` (saved at the end of the request, as its middleware does for a modified
// session). A third app without sessions gives the cost of Express and the client alone. Target:
// sessionkit >= 0.8x express-session's requests per second, median of interleaved rounds.
import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import session from 'express-session'
import { createSessionMiddleware } from '../src/http/index.js'
import { createSessionKit } from '../src/kit.js'
import { fmt } from './lib/measure.js'

const TARGET = 0.8
const BROWSERS = 200
const IN_FLIGHT = 16
const REQUESTS = 4_000
const ROUNDS = 5

type App = { url: string; close(): Promise<void> }

async function serve(app: express.Express): Promise<App> {
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const kit = createSessionKit<Record<string, never>, number>({ maxSessions: 10_000 })
const sessions = createSessionMiddleware(kit, { cookie: { secure: false } })
const ours = express()
ours.use(sessions)
ours.get('/', async (req, res) => {
  const n = await sessions.of(req).session.state.update((current) => (current ?? 0) + 1)
  res.json({ n })
})

const theirs = express()
theirs.use(
  session({
    secret: 'a benchmark secret of a reasonable length',
    resave: false,
    saveUninitialized: true,
    cookie: { httpOnly: true, sameSite: 'lax' },
  }),
)
theirs.get('/', (req, res) => {
  const data = req.session as typeof req.session & { n?: number }
  data.n = (data.n ?? 0) + 1
  res.json({ n: data.n })
})

const bare = express()
bare.get('/', (_req, res) => res.json({ n: 1 }))

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT })

/** One GET with `cookie`; resolves the session cookie the response set, if any. */
function get(url: string, cookie: string | undefined): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: cookie === undefined ? {} : { cookie } }, (res) => {
      const set = res.headers['set-cookie']?.[0]?.split(';')[0]
      res.resume()
      res.on('end', () => resolve(set))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Requests per second of `REQUESTS` requests spread over the browsers, `IN_FLIGHT` at a time. */
async function throughput(app: App, cookies: (string | undefined)[]): Promise<number> {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < REQUESTS) {
        const i = next++ % cookies.length
        const set = await get(app.url, cookies[i])
        if (set !== undefined) cookies[i] = set
      }
    }),
  )
  return (REQUESTS / (performance.now() - start)) * 1000
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const apps = {
  sessionkit: await serve(ours),
  'express-session': await serve(theirs),
  bare: await serve(bare),
}
const cookies = Object.fromEntries(
  Object.keys(apps).map((name) => [name, Array.from({ length: BROWSERS }, () => undefined)]),
) as Record<keyof typeof apps, (string | undefined)[]>
const results: Record<keyof typeof apps, number[]> = { sessionkit: [], 'express-session': [], bare: [] }
// A warm-up round gives every browser its cookie and every app its JIT.
for (const name of Object.keys(apps) as (keyof typeof apps)[]) await throughput(apps[name], cookies[name])
for (let r = 0; r < ROUNDS; r++) {
  for (const name of Object.keys(apps) as (keyof typeof apps)[]) {
    results[name].push(await throughput(apps[name], cookies[name]))
  }
}
const [k, e, b] = [median(results.sessionkit), median(results['express-session']), median(results.bare)]
console.log(
  `Express 5, ${BROWSERS} browsers, ${IN_FLIGHT} in flight, read and write a counter per request (requests/s, median of ${ROUNDS}):`,
)
console.log(`  sessionkit ${fmt(k)}   express-session ${fmt(e)}   no sessions ${fmt(b)}`)
const ratio = k / e
console.log(
  `sessionkit/http vs express-session: ${ratio.toFixed(2)}x (target >= ${TARGET}x) ${ratio >= TARGET ? 'PASS' : 'MISS'}`,
)
console.log(
  `share of the no-session app's rate: sessionkit ${(k / b).toFixed(2)}x, express-session ${(e / b).toFixed(2)}x (information)`,
)
// Each browser kept its cookie: one session each, not one a request.
const created = (await kit.stats()).created
if (created !== BROWSERS) throw new Error(`sessionkit made ${created} sessions for ${BROWSERS} browsers`)
agent.destroy()
for (const app of Object.values(apps)) await app.close()
await kit.close()
