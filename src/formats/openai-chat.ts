import { invalidArgument } from '../errors.js'
import type { ContentPart, MessageInput } from '../message/model.js'
import { assertMessageList } from '../message/shape.js'
import { argumentsText } from '../message/tool-arguments.js'
import { checkCallOptions } from '../options.js'
import { type FormatOptions, note } from './notes.js'
import type {
  OpenAIAssistantMessage,
  OpenAIContentPart,
  OpenAIMessage,
  OpenAIRefusalPart,
  OpenAITextPart,
  OpenAIToolCall,
} from './openai-chat-types.js'
import { checked, readArray, readRecord, readString, unsupported } from './read.js'

/** Options of {@link toOpenAIMessages}. */
export interface ToOpenAIOptions extends FormatOptions {
  /** Role of system messages: `'developer'` for reasoning models that ask for it. Default `'system'`. */
  readonly systemRole?: 'system' | 'developer'
}

/**
 * Converts messages to the chat completions `messages` array, assignable to the `openai` SDK's
 * `ChatCompletionMessageParam[]`: string content stays a string and parts stay parts (images as
 * `image_url`, PDFs as `file` when inline), tool call arguments go as the exact stored JSON text,
 * refusals as `refusal`, tool results as `{ role: 'tool', tool_call_id, content }`. Chat
 * completions take no reasoning input, so reasoning parts are left out with a note; so are PDFs
 * by URL. Metadata stays behind. Pure.
 *
 * @example
 * await openai.chat.completions.create({ model, messages: toOpenAIMessages(ctx.messages) })
 */
export function toOpenAIMessages(
  messages: readonly MessageInput[],
  options: ToOpenAIOptions = {},
): OpenAIMessage[] {
  assertMessageList(messages, 'toOpenAIMessages')
  checkCallOptions(options, ['onNote', 'systemRole'], 'toOpenAIMessages()')
  const out: OpenAIMessage[] = []
  for (const [index, m] of messages.entries()) {
    switch (m.role) {
      case 'system':
        out.push({ role: options.systemRole ?? 'system', content: textContent(m.content) })
        break
      case 'user':
        out.push({ role: 'user', content: userContent(m.content, index, options) })
        break
      case 'assistant': {
        const message = assistantMessage(m, index, options)
        // An assistant turn that held only reasoning has nothing chat completions can take.
        if (message.content !== null || message.refusal !== undefined || message.tool_calls !== undefined) {
          out.push(message)
        }
        break
      }
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.toolCallId ?? '', content: textContent(m.content) })
        break
    }
  }
  return out
}

function textContent(content: MessageInput['content']): string | OpenAITextPart[] {
  if (typeof content === 'string') return content
  const parts: OpenAITextPart[] = []
  for (const p of content) if (p.type === 'text') parts.push({ type: 'text', text: p.text })
  return parts
}

function userContent(content: MessageInput['content'], index: number, options: FormatOptions) {
  if (typeof content === 'string') return content
  const parts: OpenAIContentPart[] = []
  for (const p of content) {
    if (p.type === 'text') parts.push({ type: 'text', text: p.text })
    else if (p.type === 'image') {
      parts.push({
        type: 'image_url',
        image_url: p.detail === undefined ? { url: p.url } : { url: p.url, detail: p.detail },
      })
    } else if (p.type === 'file' && p.url.startsWith('data:')) {
      const file =
        p.filename === undefined ? { file_data: p.url } : { file_data: p.url, filename: p.filename }
      parts.push({ type: 'file', file })
    } else if (p.type === 'file') {
      note(
        options,
        'part-dropped',
        index,
        'chat completions take a PDF only inline (a data: URL); the URL was left out',
      )
    }
  }
  return parts
}

function assistantMessage(m: MessageInput, index: number, options: FormatOptions): OpenAIAssistantMessage {
  const calls = m.toolCalls?.map(
    (c): OpenAIToolCall => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: argumentsText(c) },
    }),
  )
  const withCalls = (msg: OpenAIAssistantMessage) =>
    calls === undefined || calls.length === 0 ? msg : { ...msg, tool_calls: calls }
  if (typeof m.content === 'string')
    return withCalls({ role: 'assistant', content: m.content === '' && calls ? null : m.content })
  const parts: (OpenAITextPart | OpenAIRefusalPart)[] = []
  let reasoning = 0
  for (const p of m.content) {
    if (p.type === 'text') parts.push({ type: 'text', text: p.text })
    else if (p.type === 'refusal') parts.push({ type: 'refusal', refusal: p.text })
    else if (p.type === 'reasoning') reasoning++
  }
  if (reasoning > 0) {
    note(
      options,
      'reasoning-dropped',
      index,
      `chat completions take no reasoning input; ${reasoning} reasoning part(s) left out`,
    )
  }
  if (parts.length > 0 && parts.every((p) => p.type === 'refusal')) {
    return withCalls({
      role: 'assistant',
      content: null,
      refusal: parts.map((p) => (p as OpenAIRefusalPart).refusal).join('\n'),
    })
  }
  return withCalls({ role: 'assistant', content: parts.length === 0 ? null : parts })
}

/**
 * Converts a chat completions `messages` array (what a gateway receives, or what you sent) into
 * sessionkit messages, checked as `append` checks them: `developer` becomes `system`, arguments
 * keep their exact JSON text, a `refusal` becomes a refusal part, image `detail` is kept.
 * Audio, file ids, the legacy `function` role and arguments that are not a JSON object are
 * `INVALID_ARGUMENT`; a message's `name` and an assistant's `audio` are left out with a note. Pure.
 *
 * @example
 * await session.history.append(...fromOpenAIMessages(req.body.messages).slice(-1))
 */
export function fromOpenAIMessages(input: unknown, options: FormatOptions = {}): MessageInput[] {
  return readArray(input, 'messages').map((raw, index) => {
    const what = `messages[${index}]`
    const m = readRecord(raw, what)
    const role = m.role === 'developer' ? 'system' : m.role
    if (m.function_call != null || role === 'function') {
      throw invalidArgument(
        `${what} uses the legacy function-calling format; send tool_calls and role "tool" instead`,
      )
    }
    for (const field of ['name', 'audio']) {
      if (m[field] != null)
        note(options, 'field-dropped', index, `${what}.${field} has no place in sessionkit messages`)
    }
    const message: Record<string, unknown> = { role, content: readContent(m.content, what) }
    if (role === 'assistant' && typeof m.refusal === 'string') {
      const refusal = { type: 'refusal', text: m.refusal }
      message.content = message.content === '' ? [refusal] : [...asParts(message.content), refusal]
    }
    if (role === 'assistant' && m.tool_calls != null) message.toolCalls = readToolCalls(m.tool_calls, what)
    if (role === 'tool') message.toolCallId = m.tool_call_id
    return checked(message, what)
  })
}

function asParts(content: unknown): unknown[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : (content as unknown[])
}

function readContent(value: unknown, what: string): string | ContentPart[] {
  if (value == null) return ''
  if (typeof value === 'string') return value
  return readArray(value, `${what}.content`).map((raw, j): ContentPart => {
    const where = `${what}.content[${j}]`
    const p = readRecord(raw, where)
    if (p.type === 'text') return { type: 'text', text: readString(p.text, `${where}.text`) }
    if (p.type === 'refusal') return { type: 'refusal', text: readString(p.refusal, `${where}.refusal`) }
    if (p.type === 'image_url') {
      const ref = readRecord(p.image_url, `${where}.image_url`)
      const url = readString(ref.url, `${where}.image_url.url`)
      return ref.detail === undefined
        ? { type: 'image', url }
        : ({ type: 'image', url, detail: ref.detail } as ContentPart)
    }
    if (p.type === 'file') {
      const file = readRecord(p.file, `${where}.file`)
      if (typeof file.file_data !== 'string') {
        throw invalidArgument(
          `${where}.file: only inline file_data is supported (a file_id points into one account's storage)`,
        )
      }
      const part = { type: 'file', url: file.file_data, mediaType: 'application/pdf' } as const
      return typeof file.filename === 'string' ? { ...part, filename: file.filename } : part
    }
    throw unsupported(where, p.type, 'text, refusal, image_url, file')
  })
}

function readToolCalls(value: unknown, what: string): Record<string, unknown>[] {
  return readArray(value, `${what}.tool_calls`).map((raw, j) => {
    const where = `${what}.tool_calls[${j}]`
    const c = readRecord(raw, where)
    if (c.type !== undefined && c.type !== 'function') throw unsupported(where, c.type, 'function')
    const fn = readRecord(c.function, `${where}.function`)
    const args = fn.arguments === undefined || fn.arguments === '' ? '{}' : fn.arguments
    return { id: c.id, name: fn.name, arguments: args }
  })
}
