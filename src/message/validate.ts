import { invalidArgument, SessionKitError } from '../errors.js'
import { checkJson } from '../util/json.js'
import type { ContentPart, HistoryRole, JsonObject, MessageInput, ToolCall } from './model.js'
import { readContent } from './validate-parts.js'

/** Limits a message must keep, from the history options. */
export interface MessageLimits {
  /** Largest message as JSON, in bytes. */
  readonly maxMessageBytes: number
}

/** Most tool calls in one assistant message. */
const MAX_TOOL_CALLS = 128

const roles: ReadonlySet<string> = new Set<HistoryRole>(['system', 'user', 'assistant', 'tool'])
const messageKeys: ReadonlySet<string> = new Set([
  'role',
  'content',
  'toolCalls',
  'toolCallId',
  'isError',
  'isJson',
  'metadata',
])
const hints: Readonly<Record<string, string>> = {
  tool_calls: 'toolCalls (or convert the whole array with fromOpenAIMessages)',
  tool_call_id: 'toolCallId (or convert the whole array with fromOpenAIMessages)',
  seq: 'nothing: the store assigns seq, id and createdAt',
  id: 'nothing: the store assigns seq, id and createdAt',
  createdAt: 'nothing: the store assigns seq, id and createdAt',
}
const toolNamePattern = /^[A-Za-z0-9_.:-]{1,128}$/

/**
 * Checks one message written by a caller and returns a clean copy holding only the known
 * fields. Bad shape: `INVALID_ARGUMENT` naming the field; larger than `maxMessageBytes` as JSON:
 * `LIMIT_EXCEEDED`. `what` names the message in errors (`message 2`).
 *
 * @example
 * const clean = validateMessage(body, { maxMessageBytes: 65_536 }, 'message 1')
 */
export function validateMessage(input: unknown, limits: MessageLimits, what: string): MessageInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidArgument(`${what} must be an object such as { role: 'user', content: 'hi' }`)
  }
  const raw = input as Record<string, unknown>
  for (const key of Object.keys(raw)) {
    if (messageKeys.has(key)) continue
    const hint = hints[key]
    throw invalidArgument(
      `${what} has an unknown field "${key}"${hint === undefined ? '' : `; use ${hint}`}. Fields: role, content, toolCalls, toolCallId, isError, isJson, metadata`,
    )
  }
  const role = raw.role
  if (typeof role !== 'string' || !roles.has(role)) {
    throw invalidArgument(
      `${what}.role must be one of system, user, assistant, tool; got ${JSON.stringify(role)}`,
    )
  }
  const toolCalls = role === 'assistant' ? readToolCalls(raw.toolCalls, what) : undefined
  if (role !== 'assistant' && raw.toolCalls !== undefined) {
    throw invalidArgument(`${what}.toolCalls is only allowed on assistant messages`)
  }
  const content = readContent(raw.content, role as HistoryRole, what)
  if (isEmpty(content) && role !== 'tool' && toolCalls === undefined) {
    throw invalidArgument(
      `${what}.content is empty; only a tool result or an assistant message with tool calls may be`,
    )
  }
  let toolCallId: string | undefined
  if (role === 'tool') {
    toolCallId = readId(raw.toolCallId, `${what}.toolCallId`)
  } else {
    for (const key of ['toolCallId', 'isError', 'isJson']) {
      if (raw[key] !== undefined) throw invalidArgument(`${what}.${key} is only allowed on tool messages`)
    }
  }
  const isError = readFlag(raw.isError, `${what}.isError`)
  const isJson = readFlag(raw.isJson, `${what}.isJson`)
  if (isJson === true) checkJsonContent(content, what)
  const metadata = raw.metadata === undefined ? undefined : readObject(raw.metadata, `${what}.metadata`)

  const message: MessageInput = {
    role: role as HistoryRole,
    content,
    ...(toolCalls === undefined ? {} : { toolCalls }),
    ...(toolCallId === undefined ? {} : { toolCallId }),
    ...(isError === undefined ? {} : { isError }),
    ...(isJson === undefined ? {} : { isJson }),
    ...(metadata === undefined ? {} : { metadata }),
  }
  const bytes = messageBytes(message, what)
  if (bytes > limits.maxMessageBytes) {
    throw new SessionKitError(
      'LIMIT_EXCEEDED',
      `${what} is about ${bytes} bytes as JSON; the limit is ${limits.maxMessageBytes} (history.maxMessageBytes). Shorten it or raise the option`,
      { details: { bytes, maxMessageBytes: limits.maxMessageBytes } },
    )
  }
  return message
}

/**
 * About the JSON size of a message in bytes: exact for its strings and JSON objects (which
 * `checkJson` also checks for shape), plus a fixed allowance for the structure around them.
 * Cheaper than serialising the whole message, which the store does once anyway.
 */
function messageBytes(m: MessageInput, what: string): number {
  let bytes = 40
  if (typeof m.content === 'string') bytes += jsonStringBytes(m.content)
  else for (const p of m.content) bytes += partBytes(p)
  if (m.toolCalls !== undefined) {
    for (const c of m.toolCalls) {
      bytes += 64 + jsonStringBytes(c.id) + jsonStringBytes(c.name) + jsonStringBytes(c.arguments as string)
      if (c.itemId !== undefined) bytes += jsonStringBytes(c.itemId)
    }
  }
  if (m.toolCallId !== undefined) bytes += 32 + jsonStringBytes(m.toolCallId)
  if (m.metadata !== undefined) {
    const text = checkJson(m.metadata, { maxBytes: Number.POSITIVE_INFINITY }, `${what}.metadata`)
    bytes += 16 + Buffer.byteLength(text, 'utf8')
  }
  return bytes
}

/** Bytes of a part's fields as JSON: every field of a checked part is a string. */
function partBytes(part: ContentPart): number {
  let bytes = 16
  for (const value of Object.values(part)) bytes += 8 + jsonStringBytes(value as string)
  return bytes
}

/** Bytes of `s` as a JSON string, without serialising it when nothing needs escaping (the common case). */
function jsonStringBytes(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return Buffer.byteLength(JSON.stringify(s), 'utf8')
    }
  }
  return Buffer.byteLength(s, 'utf8') + 2
}

function isEmpty(content: string | readonly ContentPart[]): boolean {
  if (typeof content === 'string') return content.length === 0
  return content.every((part) => part.type === 'text' && part.text.length === 0)
}

function readToolCalls(value: unknown, what: string): readonly ToolCall[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TOOL_CALLS) {
    throw invalidArgument(
      `${what}.toolCalls must be an array of 1 to ${MAX_TOOL_CALLS} { id, name, arguments } (or left out)`,
    )
  }
  const seen = new Set<string>()
  return value.map((call: unknown, i): ToolCall => {
    const where = `${what}.toolCalls[${i}]`
    if (typeof call !== 'object' || call === null || Array.isArray(call)) {
      throw invalidArgument(`${where} must be { id, name, arguments }`)
    }
    const c = call as Record<string, unknown>
    for (const key of Object.keys(c)) {
      if (key !== 'id' && key !== 'name' && key !== 'arguments' && key !== 'itemId') {
        throw invalidArgument(`${where} has an unknown field "${key}"; fields: id, name, arguments, itemId`)
      }
    }
    const id = readId(c.id, `${where}.id`)
    if (seen.has(id)) throw invalidArgument(`${where}.id "${id}" repeats an earlier call of the same message`)
    seen.add(id)
    if (typeof c.name !== 'string' || !toolNamePattern.test(c.name)) {
      throw invalidArgument(`${where}.name must be 1 to 128 of A-Z a-z 0-9 _ . : -`)
    }
    const args = readArguments(c.arguments, `${where}.arguments`)
    if (c.itemId === undefined) return { id, name: c.name, arguments: args }
    return { id, name: c.name, arguments: args, itemId: readId(c.itemId, `${where}.itemId`) }
  })
}

function readId(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw invalidArgument(`${where} must be a string of 1 to 256 characters`)
  }
  return value
}

/**
 * Arguments as the exact JSON text of an object: a string is checked and kept byte for byte (big
 * integers and key order intact, never encoded again); an object is checked and serialised once.
 */
function readArguments(value: unknown, where: string): string {
  if (value === undefined) return '{}'
  if (typeof value !== 'string')
    return checkJson(readObject(value, where), { maxBytes: Number.POSITIVE_INFINITY }, where)
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (cause) {
    throw new SessionKitError(
      'INVALID_ARGUMENT',
      `${where} is not valid JSON; repair or drop the call first`,
      {
        cause,
      },
    )
  }
  checkJson(readObject(parsed, where), { maxBytes: Number.POSITIVE_INFINITY }, where)
  return value
}

function checkJsonContent(content: string | readonly ContentPart[], what: string): void {
  if (typeof content === 'string') {
    try {
      JSON.parse(content)
      return
    } catch {}
  }
  throw invalidArgument(`${what}.isJson is set, so content must be a string of valid JSON`)
}

function readFlag(value: unknown, where: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw invalidArgument(`${where} must be true, false or left out`)
}

function readObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(`${where} must be a JSON object`)
  }
  return value as JsonObject
}
