// What the chat example reads from a request, and the error it answers with.
import type { IncomingMessage } from 'node:http'

/** An error the chat example answers as `{ error: { code, message } }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** The body as a JSON object, at most `maxBytes`; only `application/json` is accepted. */
export async function readJson(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  // A cross-site form cannot send this type without a CORS preflight: with SameSite=Lax cookies,
  // it keeps other sites from posting as the visitor (CSRF).
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json')
  }
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes)
      throw new HttpError(400, 'LIMIT_EXCEEDED', `the body is larger than ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  let value: unknown
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, 'INVALID_ARGUMENT', 'the body must be JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'INVALID_ARGUMENT', 'the body must be a JSON object')
  }
  return value as Record<string, unknown>
}

/** A request header's value, `undefined` when absent or empty. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** A cookie's value, `undefined` when absent or empty. */
export function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = pair.trim().split('=')
    if (k === name && v !== undefined && v !== '') return v
  }
  return undefined
}

/**
 * The peer's address as a rate-limit subject id (an IPv6 zone's `%` is not one of its characters).
 * Behind a reverse proxy, use the client address that proxy forwards, and only from a proxy you trust.
 */
export function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? 'unknown').replace(/[^0-9A-Za-z.:]/g, '_')
}

/** A whole-number query parameter, `undefined` when absent; anything else is a 400. */
export function intParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name)
  if (raw === null) return undefined
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, 'INVALID_ARGUMENT', `${name} must be a whole number`)
  return Number(raw)
}
