// A small LLM gateway on node:http. Every chat request is tagged with its session (response
// headers x-session-id, x-session-kind, x-session-branch) and forwarded unchanged; the upstream's
// answer is bound to the detection, so the next turn is found in one probe. GET /metrics serves
// the gateway's documented JSON (?format=prometheus for Prometheus, ?format=json for every metric). Without an upstream
// URL it starts a local stand-in that answers chat-completions JSON (no network).
//
//   npx tsx examples/gateway.ts        # gateway on http://127.0.0.1:8787, stand-in upstream
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import {
  type ChatMessage,
  createDetector,
  type Detection,
  type DetectionKind,
  type Detector,
  isSessionKitError,
  type MetricJson,
  PROMETHEUS_CONTENT_TYPE,
  toMetricsJson,
  toPrometheusText,
} from '../src/index.js'

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** Where chat requests go. Default: a local stand-in upstream started for the gateway. */
  readonly upstreamUrl?: string
  /** Port on 127.0.0.1. Default 0 (any free port). */
  readonly port?: number
  /** The detector. Default `createDetector()`. */
  readonly detector?: Detector
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number
}

/** A running gateway. */
export interface Gateway {
  readonly url: string
  readonly upstreamUrl: string
  readonly detector: Detector
  close(): Promise<void>
}

/**
 * Starts the gateway (and the stand-in upstream when no `upstreamUrl` is given), both on 127.0.0.1.
 *
 * @example
 * const gw = await startGateway(); await fetch(`${gw.url}/v1/chat/completions`, {...}); await gw.close()
 */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const detector = options.detector ?? createDetector()
  const maxBody = options.maxBodyBytes ?? 1 << 20
  const standIn =
    options.upstreamUrl === undefined ? await listen(createServer(standInUpstream), 0) : undefined
  const upstreamUrl = options.upstreamUrl ?? standIn!.url
  const gateway = await listen(
    createServer((req, res) => {
      handle(req, res, detector, upstreamUrl, maxBody).catch((error: unknown) => {
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
  detector: Detector,
  upstreamUrl: string,
  maxBody: number,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway')
  if (req.method === 'GET' && url.pathname === '/metrics')
    return metrics(res, detector, url.searchParams.get('format'))
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    return send(res, 404, {
      error: { message: 'POST /v1/chat/completions or GET /metrics[?format=prometheus|json]' },
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
    detection = detector.detect({
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
  // The payload goes upstream byte for byte: canonical forms are for hashing only.
  const upstream = await fetch(`${upstreamUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw,
  })
  const text = await upstream.text()
  const reply = upstream.ok ? replyOf(text) : undefined
  if (reply !== undefined) detector.bindReply(detection, reply)
  res.setHeader('x-session-id', detection.sessionId)
  res.setHeader('x-session-kind', detection.kind)
  res.setHeader('x-session-branch', String(detection.branchId))
  res.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/json',
  })
  res.end(text)
}

/**
 * `GET /metrics`: the gateway's documented JSON shape by default; `?format=prometheus` the text
 * exposition; `?format=json` every metric by name.
 */
function metrics(res: ServerResponse, detector: Detector, format: string | null): void {
  const snapshot = detector.metrics()
  if (format === 'prometheus') {
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(toPrometheusText(snapshot))
    return
  }
  const json = toMetricsJson(snapshot)
  send(res, 200, format === 'json' ? json : gatewayMetrics(json))
}

type Histograms = Record<string, { count: number; sum: number }>

/**
 * The metrics in the shape the gateway's documentation promises (snake_case, under `sessions` and
 * `performance`), computed from the detector's metrics: timings are means in milliseconds.
 */
export function gatewayMetrics(json: Record<string, MetricJson>) {
  const kinds = json.sessionkit_detections_total as Record<DetectionKind, number>
  const requests = Object.values(kinds).reduce((a, b) => a + b, 0)
  const created = json.sessionkit_detector_sessions_created_total as number
  const seconds = json.sessionkit_detect_seconds as Histograms
  const meanMs = (phase: string) => {
    const h = seconds[phase]
    return h === undefined || h.count === 0 ? 0 : round((h.sum / h.count) * 1000)
  }
  return {
    sessions: {
      active_count: json.sessionkit_detector_sessions_active as number,
      total_created: created,
      cache_hit_rate: requests === 0 ? 0 : round((requests - kinds.new - kinds.fragmented) / requests),
      fuzzy_matches: kinds.fuzzy,
      average_session_length:
        created === 0 ? 0 : round((json.sessionkit_detector_messages_total as number) / created),
      longest_session: json.sessionkit_detector_longest_session_messages as number,
    },
    performance: { session_lookup_ms: meanMs('lookup'), hash_computation_ms: meanMs('hash') },
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

// Tenant: a digest of the API key, so raw keys never sit in the detector's memory.
function tenantOf(req: IncomingMessage): string {
  const auth = header(req, 'authorization') ?? ''
  return auth === '' ? '' : createHash('sha256').update(auth).digest('base64url').slice(0, 16)
}

// The assistant message of a chat-completions answer, or of an Anthropic-style message.
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
    // Not JSON (a streamed answer, an error page): nothing to bind; the next turn still matches.
  }
  return undefined
}

// The stand-in upstream: answers every chat request with a short, unique completion.
let completions = 0
function standInUpstream(req: IncomingMessage, res: ServerResponse): void {
  readBody(req, 1 << 20).then(
    (raw) => {
      const body = JSON.parse(raw?.toString('utf8') ?? '{}') as {
        messages?: { role: string; content?: unknown }[]
      }
      const last = body.messages?.[body.messages.length - 1]
      const said = typeof last?.content === 'string' ? last.content : 'your message'
      const id = ++completions
      send(res, 200, {
        id: `cmpl-${id}`,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: `You said "${said.slice(0, 60)}". (answer ${id})`,
              refusal: null,
            },
            finish_reason: 'stop',
          },
        ],
      })
    },
    () => send(res, 400, { error: { message: 'unreadable body' } }),
  )
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > max) return undefined
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function send(res: ServerResponse, status: number, json: unknown): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(json))
}

async function listen(server: Server, port: number): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const gw = await startGateway({ port: Number(process.env.PORT ?? 8787) })
  console.log(`gateway on ${gw.url} (POST /v1/chat/completions, GET /metrics), upstream ${gw.upstreamUrl}`)
}
