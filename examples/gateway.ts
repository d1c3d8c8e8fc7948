// A small LLM gateway on node:http, for OpenAI chat completions (POST /v1/chat/completions) and
// Anthropic messages (POST /v1/messages). Every request is tagged with its session (response
// headers x-session-id, x-session-kind, x-session-branch, x-session-degraded) and forwarded
// unchanged; a streamed answer is piped through as it arrives. The upstream's answer, streamed or
// not, is bound to the detection before the response ends, so the next turn is found in one probe
// on any replica. GET /metrics serves the gateway's documented JSON (?format=prometheus for
// Prometheus, ?format=json for every metric by name). Without an upstream URL it starts a local
// stand-in (no network).
//
//   npx tsx examples/gateway.ts                                  # one process, in-process detection
//   npx tsx examples/gateway.ts --redis redis://127.0.0.1:6379   # replicas sharing one Redis
//   npx tsx examples/gateway.ts --redis-cluster 127.0.0.1:7000,127.0.0.1:7001 --port 8788
//   options: --port N (default 8787), --upstream URL (default: a stand-in on a free port),
//   --prefix P (Redis key prefix, default gateway), --timeout-ms N (how long detection waits for
//   Redis before answering from the local index, default 500)
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Cluster, Redis } from 'ioredis'
import {
  type ChatMessage,
  createDetector,
  createReplyAssembler,
  type Detection,
  type Detector,
  type SharedDetector,
} from '../src/detect/index.js'
import { isSessionKitError } from '../src/errors.js'
import { createRateLimiter, type RateLimiter, rateLimitHeaders } from '../src/limits/index.js'
import { PROMETHEUS_CONTENT_TYPE, toMetricsJson, toPrometheusText } from '../src/metrics/index.js'
import { fromIoredis, redisDetectionIndex } from '../src/redis/index.js'
import { gatewayMetrics } from './gateway-metrics.js'
import { startStandInUpstream } from './gateway-upstream.js'
import { header, listen, readBody, send } from './http-helpers.js'

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** Where requests go. Default: a local stand-in upstream started for the gateway. */
  readonly upstreamUrl?: string
  /** Port on 127.0.0.1. Default 0 (any free port). */
  readonly port?: number
  /** The detector: in process (`createDetector()`, the default) or on a shared index. */
  readonly detector?: Detector | SharedDetector
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number
  /** Limits per API key (subject `tenant`, cost `requests`). Default 600 requests a minute. */
  readonly limiter?: RateLimiter
}

/** A running gateway. */
export interface Gateway {
  readonly url: string
  readonly upstreamUrl: string
  readonly detector: Detector | SharedDetector
  close(): Promise<void>
}

const routes = new Set(['/v1/chat/completions', '/v1/messages'])

/**
 * Starts the gateway (and the stand-in upstream when no `upstreamUrl` is given), both on 127.0.0.1.
 *
 * @example
 * const gw = await startGateway(); await fetch(`${gw.url}/v1/chat/completions`, {...}); await gw.close()
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const detector = options.detector ?? createDetector()
  const maxBody = options.maxBodyBytes ?? 1 << 20
  const limiter =
    options.limiter ??
    createRateLimiter({ rules: [{ name: 'requests', per: 'tenant', limit: 600, windowMs: 60_000 }] })
  const standIn = options.upstreamUrl === undefined ? await startStandInUpstream() : undefined
  const upstreamUrl = options.upstreamUrl ?? standIn!.url
  const gateway = await listen(
    createServer((req, res) => {
      handle(req, res, detector, limiter, upstreamUrl, maxBody).catch((error: unknown) => {
        send(res, 502, { error: { message: `gateway: ${(error as Error).message}` } })
      })
    }),
    options.port ?? 0,
  )
  return {
    url: gateway.url,
    upstreamUrl,
    detector,
    async close() {
      await gateway.close()
      await standIn?.close()
    },
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  detector: Detector | SharedDetector,
  limiter: RateLimiter,
  upstreamUrl: string,
  maxBody: number,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway')
  if (req.method === 'GET' && url.pathname === '/metrics') {
    return metrics(res, detector, limiter, url.searchParams.get('format'))
  }
  if (req.method !== 'POST' || !routes.has(req.url ?? '')) {
    return send(res, 404, {
      error: {
        message: 'POST /v1/chat/completions or /v1/messages, or GET /metrics[?format=prometheus|json]',
      },
    })
  }
  const raw = await readBody(req, maxBody)
  if (raw === undefined) return send(res, 413, { error: { message: `body over ${maxBody} bytes` } })
  let body: { messages?: unknown; system?: unknown }
  try {
    body = JSON.parse(raw.toString('utf8'))
  } catch {
    return send(res, 400, { error: { message: 'body is not JSON' } })
  }
  let detection: Detection
  try {
    detection = await detector.detect({
      messages: body.messages as ChatMessage[],
      system: body.system,
      tenant: tenantOf(req),
      explicitId: header(req, 'x-session-id'),
    })
  } catch (error) {
    if (isSessionKitError(error, 'INVALID_ARGUMENT'))
      return send(res, 400, { error: { message: error.message } })
    throw error
  }
  const limit = await limiter.consume({ tenant: tenantOf(req) || 'anonymous' }, { requests: 1 })
  for (const [name, value] of Object.entries(rateLimitHeaders(limit))) res.setHeader(name, value)
  if (!limit.allowed) return send(res, 429, { error: { message: 'rate limited; see Retry-After' } })
  // The payload goes upstream byte for byte: canonical forms are for hashing only.
  const aborted = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort()
  })
  const upstream = await fetch(`${upstreamUrl}${req.url}`, {
    method: 'POST',
    headers: upstreamHeaders(req),
    body: raw,
    signal: aborted.signal,
  })
  res.setHeader('x-session-id', detection.sessionId)
  res.setHeader('x-session-kind', detection.kind)
  res.setHeader('x-session-branch', String(detection.branchId))
  res.setHeader('x-session-degraded', String(detection.degraded))
  const type = upstream.headers.get('content-type') ?? 'application/json'
  res.writeHead(upstream.status, { 'content-type': type, 'cache-control': 'no-cache' })
  if (!type.startsWith('text/event-stream') || upstream.body === null) {
    const text = await upstream.text()
    const reply = upstream.ok ? replyOf(text) : undefined
    if (reply !== undefined) await bind(detector, detection, reply)
    return void res.end(text)
  }
  // A stream: each chunk goes to the client as it arrives and into the assembler; the reply is
  // bound at the end, only if the stream ended properly and the client is still there.
  const replies = createReplyAssembler()
  try {
    for await (const chunk of upstream.body) {
      res.write(chunk)
      replies.feed(chunk)
    }
  } catch (error) {
    if (!aborted.signal.aborted) throw error
    return
  }
  const reply = aborted.signal.aborted || !upstream.ok ? undefined : replies.reply()
  if (reply !== undefined) await bind(detector, detection, reply)
  res.end()
}

/**
 * `GET /metrics`: the gateway's documented JSON shape by default; `?format=prometheus` the text
 * exposition of the detector's and the limiter's metrics; `?format=json` every metric by name.
 */
function metrics(
  res: ServerResponse,
  detector: Detector | SharedDetector,
  limiter: RateLimiter,
  format: string | null,
): void {
  const snapshot = [...detector.metrics(), ...limiter.metrics()]
  if (format === 'prometheus') {
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(toPrometheusText(snapshot))
    return
  }
  const json = toMetricsJson(snapshot)
  send(res, 200, format === 'json' ? json : gatewayMetrics(json))
}

// Binding is part of answering (the next turn may reach another replica at once), but a failed
// bind must not fail the request: the next turn still matches, one probe further back.
async function bind(
  detector: Detector | SharedDetector,
  detection: Detection,
  reply: ChatMessage,
): Promise<void> {
  try {
    await detector.bindReply(detection, reply)
  } catch (error) {
    console.warn(`gateway: reply not bound (${(error as Error).message})`)
  }
}

// Tenant: a digest of the API key (OpenAI's Authorization, Anthropic's x-api-key), so raw keys
// never sit in the detector's memory or in Redis.
function tenantOf(req: IncomingMessage): string {
  const key = header(req, 'authorization') ?? header(req, 'x-api-key') ?? ''
  return key === '' ? '' : createHash('sha256').update(key).digest('base64url').slice(0, 16)
}

function upstreamHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = { 'content-type': 'application/json' }
  for (const name of ['authorization', 'x-api-key', 'anthropic-version']) {
    const v = header(req, name)
    if (v !== undefined) out[name] = v
  }
  return out
}

// The assistant message of a chat-completions answer, or of an Anthropic message.
function replyOf(text: string): ChatMessage | undefined {
  try {
    const json = JSON.parse(text) as {
      choices?: { message?: ChatMessage }[]
      type?: string
      role?: string
      content?: unknown
    }
    if (json.choices?.[0]?.message !== undefined) return json.choices[0].message
    if (json.type === 'message' && json.role === 'assistant')
      return { role: 'assistant', content: json.content }
  } catch {
    // Not JSON (an error page): nothing to bind; the next turn still matches.
  }
  return undefined
}

// The detector of `--redis URL` or `--redis-cluster host:port,...`, on a shared index.
function sharedDetector(values: {
  redis?: string
  'redis-cluster'?: string
  prefix: string
  'timeout-ms': string
}): {
  detector: SharedDetector
  quit(): void
} {
  const client = values.redis
    ? new Redis(values.redis)
    : new Cluster(
        values['redis-cluster']!.split(',').map((node) => {
          const [host, port] = node.split(':')
          return { host: host!, port: Number(port) }
        }),
      )
  client.on('error', (error: Error) => console.warn(`gateway: Redis: ${error.message}`))
  const index = redisDetectionIndex({
    client: fromIoredis(client),
    prefix: values.prefix,
    commandTimeoutMs: Number(values['timeout-ms']),
  })
  return { detector: createDetector({ index }), quit: () => client.disconnect() }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8787' },
      upstream: { type: 'string' },
      redis: { type: 'string' },
      'redis-cluster': { type: 'string' },
      prefix: { type: 'string', default: 'gateway' },
      'timeout-ms': { type: 'string', default: '500' },
    },
  })
  const shared = values.redis || values['redis-cluster'] ? sharedDetector(values) : undefined
  const gw = await startGateway({
    port: Number(values.port),
    ...(values.upstream ? { upstreamUrl: values.upstream } : {}),
    ...(shared ? { detector: shared.detector } : {}),
  })
  console.log(
    `gateway on ${gw.url} (POST /v1/chat/completions, POST /v1/messages, GET /metrics), upstream ${gw.upstreamUrl}, detection ${shared ? 'shared on Redis' : 'in process'}`,
  )
  process.once('SIGTERM', () => {
    gw.close().then(() => shared?.quit())
  })
}
