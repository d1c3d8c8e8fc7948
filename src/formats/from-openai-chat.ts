import { invalidArgument, SessionKitError } from '../errors.js'
import type { ContentPart, JsonObject, MessageInput, ToolCall } from '../message/model.js'
import { validateMessage } from '../message/validate.js'

const noLimit = { maxMessageBytes: Number.POSITIVE_INFINITY }

/**
 * Converts a chat completions `messages` array (as a gateway or a client sends it)
 * into sessionkit messages: `developer` becomes `system`, `image_url` parts become image parts,
 * tool call arguments are parsed from their JSON string, an assistant `refusal` becomes its text.
 * Audio and file parts and the legacy `function` role are refused with `INVALID_ARGUMENT`, as are
 * arguments that are not a JSON object. Pure.
 *
 * @example
 * await session.history.append(...fromOpenAIMessages(req.body.messages).slice(-1))
 */
export function fromOpenAIMessages(input: unknown): MessageInput[] {
  if (!Array.isArray(input)) throw invalidArgument('fromOpenAIMessages expects an array of chat messages')
  return input.map((raw: unknown, i) => {
    const what = `messages[${i}]`
    if (typeof raw !== 'object' || raw === null) throw invalidArgument(`${what} must be an object`)
    const m = raw as Record<string, unknown>
    const role = m.role === 'developer' ? 'system' : m.role
    if (m.function_call !== undefined || role === 'function') {
      throw invalidArgument(
        `${what} uses the legacy function-calling format; send tool_calls and role "tool" instead`,
      )
    }
    let content = readContent(m.content, what)
    if (role === 'assistant' && content === '' && typeof m.refusal === 'string') content = m.refusal
    const message: Record<string, unknown> = { role, content }
    if (role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null) {
      message.toolCalls = readToolCalls(m.tool_calls, what)
    }
    if (role === 'tool') message.toolCallId = m.tool_call_id
    return validateMessage(message, noLimit, what)
  })
}

function readContent(value: unknown, what: string): string | ContentPart[] {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (!Array.isArray(value))
    throw invalidArgument(`${what}.content must be a string, null or an array of parts`)
  return value.map((part: unknown, j): ContentPart => {
    const p = (typeof part === 'object' && part !== null ? part : {}) as Record<string, unknown>
    if (p.type === 'text' && typeof p.text === 'string') return { type: 'text', text: p.text }
    if (p.type === 'refusal' && typeof p.refusal === 'string') return { type: 'text', text: p.refusal }
    if (p.type === 'image_url') {
      const ref = p.image_url
      const url = typeof ref === 'string' ? ref : (ref as { url?: unknown } | undefined)?.url
      if (typeof url === 'string') return { type: 'image', url }
    }
    throw invalidArgument(
      `${what}.content[${j}]: only text, refusal and image_url parts are supported; got ${String(p.type)}`,
    )
  })
}

function readToolCalls(value: unknown, what: string): ToolCall[] {
  if (!Array.isArray(value)) throw invalidArgument(`${what}.tool_calls must be an array`)
  return value.map((raw: unknown, j): ToolCall => {
    const where = `${what}.tool_calls[${j}]`
    const c = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
    const fn = (typeof c.function === 'object' && c.function !== null ? c.function : {}) as Record<
      string,
      unknown
    >
    if (c.type !== undefined && c.type !== 'function')
      throw invalidArgument(`${where}.type must be "function"`)
    if (typeof c.id !== 'string' || typeof fn.name !== 'string') {
      throw invalidArgument(`${where} must be { id, type: 'function', function: { name, arguments } }`)
    }
    return { id: c.id, name: fn.name, arguments: parseArguments(fn.arguments, `${where}.function.arguments`) }
  })
}

function parseArguments(value: unknown, where: string): JsonObject {
  if (value === undefined || value === '') return {}
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject
  if (typeof value !== 'string') throw invalidArgument(`${where} must be a JSON string`)
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch (cause) {
    throw new SessionKitError(
      'INVALID_ARGUMENT',
      `${where} is not valid JSON; repair or drop the call before converting`,
      {
        cause,
      },
    )
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidArgument(`${where} must encode a JSON object`)
  }
  return parsed as JsonObject
}
