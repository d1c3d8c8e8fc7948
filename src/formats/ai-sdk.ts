import { invalidArgument } from '../errors.js'
import type { ContentPart, MessageInput, ReasoningPart } from '../message/model.js'
import { assertMessageList } from '../message/shape.js'
import { argumentsForSdk } from '../message/tool-arguments.js'
import { checkCallOptions } from '../options.js'
import type {
  AiAssistantMessage,
  AiModelMessage,
  AiProviderOptions,
  AiReasoningPart,
  AiToolResultOutput,
  AiToolResultPart,
  AiUserMessage,
} from './ai-sdk-types.js'
import { type FormatOptions, note } from './notes.js'
import { checked, jsonText, readArray, readRecord, readString, unsupported } from './read.js'

/**
 * Converts messages to the Vercel AI SDK's `ModelMessage[]` (the `messages` of `streamText` and
 * `generateText`): text, images and PDFs as parts; reasoning as `reasoning` parts whose
 * `providerOptions` carry what the producing provider needs back (Anthropic `signature` or
 * `redactedData`, OpenAI `itemId` and `reasoningEncryptedContent`), so the AI SDK's provider
 * replays it; tool calls with `input` parsed from the stored text; consecutive tool results in one
 * `tool` message, each with its call's `toolName` and an output of type `text`, `json`,
 * `error-text`, `error-json` or `content`. Refusals become text. Pure.
 *
 * @example
 * streamText({ model, system, messages: toModelMessages(ctx.messages) })
 */
export function toModelMessages(
  messages: readonly MessageInput[],
  options: FormatOptions = {},
): AiModelMessage[] {
  assertMessageList(messages, 'toModelMessages')
  checkCallOptions(options, ['onNote'], 'toModelMessages()')
  const names = new Map<string, string>()
  for (const m of messages) for (const c of m.toolCalls ?? []) names.set(c.id, c.name)
  const out: AiModelMessage[] = []
  for (const [index, m] of messages.entries()) {
    if (m.role === 'system') out.push({ role: 'system', content: textOf(m.content) })
    else if (m.role === 'user') out.push({ role: 'user', content: userContent(m.content) })
    else if (m.role === 'assistant') out.push(assistantMessage(m, index, options))
    else {
      const id = m.toolCallId ?? ''
      const part: AiToolResultPart = {
        type: 'tool-result',
        toolCallId: id,
        toolName: names.get(id) ?? '',
        output: output(m),
      }
      const last = out[out.length - 1]
      if (last?.role === 'tool') last.content.push(part)
      else out.push({ role: 'tool', content: [part] })
    }
  }
  return out
}

function textOf(content: MessageInput['content']): string {
  if (typeof content === 'string') return content
  return content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n')
}

function userContent(content: MessageInput['content']): AiUserMessage['content'] {
  if (typeof content === 'string') return content
  return content.flatMap((p): Exclude<AiUserMessage['content'], string> => {
    if (p.type === 'text') return [{ type: 'text', text: p.text }]
    if (p.type === 'image') return [{ type: 'image', image: p.url }]
    if (p.type === 'file') {
      const file = { type: 'file', data: p.url, mediaType: p.mediaType } as const
      return [p.filename === undefined ? file : { ...file, filename: p.filename }]
    }
    return []
  })
}

function assistantMessage(m: MessageInput, index: number, options: FormatOptions): AiAssistantMessage {
  if (typeof m.content === 'string' && (m.toolCalls === undefined || m.toolCalls.length === 0)) {
    return { role: 'assistant', content: m.content }
  }
  const content: Exclude<AiAssistantMessage['content'], string> = []
  const parts: readonly ContentPart[] =
    typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content
  for (const p of parts) {
    if (p.type === 'reasoning') content.push(reasoningPart(p))
    else if ((p.type === 'text' || p.type === 'refusal') && (p.text !== '' || p.itemId !== undefined)) {
      const text = { type: 'text', text: p.text } as const
      content.push(
        p.itemId === undefined ? text : { ...text, providerOptions: { openai: { itemId: p.itemId } } },
      )
    }
  }
  for (const c of m.toolCalls ?? []) {
    const { value, rounded } = argumentsForSdk(c)
    if (rounded)
      note(options, 'number-rounded', index, `arguments of tool call ${c.id} hold an integer beyond 2^53`)
    const call = { type: 'tool-call', toolCallId: c.id, toolName: c.name, input: value } as const
    content.push(
      c.itemId === undefined ? call : { ...call, providerOptions: { openai: { itemId: c.itemId } } },
    )
  }
  return { role: 'assistant', content }
}

function reasoningPart(p: ReasoningPart): AiReasoningPart {
  let providerOptions: AiProviderOptions | undefined
  if (p.signature !== undefined) providerOptions = { anthropic: { signature: p.signature } }
  else if (p.redactedData !== undefined) providerOptions = { anthropic: { redactedData: p.redactedData } }
  else if (p.itemId !== undefined) {
    const openai: Record<string, string> = { itemId: p.itemId }
    if (p.encryptedContent !== undefined) openai.reasoningEncryptedContent = p.encryptedContent
    providerOptions = { openai }
  }
  return providerOptions === undefined
    ? { type: 'reasoning', text: p.text }
    : { type: 'reasoning', text: p.text, providerOptions }
}

function output(m: MessageInput): AiToolResultOutput {
  if (typeof m.content !== 'string') {
    return {
      type: 'content',
      value: m.content.flatMap((p) => (p.type === 'text' ? [{ type: 'text', text: p.text }] : [])),
    }
  }
  if (m.isJson === true)
    return { type: m.isError === true ? 'error-json' : 'json', value: JSON.parse(m.content) }
  return { type: m.isError === true ? 'error-text' : 'text', value: m.content }
}

/**
 * Converts AI SDK `ModelMessage`s (a request's `messages`, or `response.messages` after a call)
 * into sessionkit messages, checked as `append` checks them: each tool result becomes one tool
 * message; a `json` output keeps its JSON text (`isJson`), errors set `isError`; reasoning keeps
 * the `providerOptions` data its provider needs back; tool call `input` is stored as JSON text (a
 * string input holding JSON is kept as is, never encoded twice); image and PDF parts by URL,
 * `data:` URL, base64 or bytes (with `mediaType`). Other part types (custom, reasoning files,
 * provider-executed results, tool approvals) are `INVALID_ARGUMENT`. Other `providerOptions` are
 * left out. Pure.
 *
 * @example
 * onFinish: ({ response }) => session.history.append(...fromModelMessages(response.messages))
 */
export function fromModelMessages(input: unknown, options: FormatOptions = {}): MessageInput[] {
  const out: MessageInput[] = []
  for (const [index, raw] of readArray(input, 'messages').entries()) {
    const what = `messages[${index}]`
    const m = readRecord(raw, what)
    if (m.role === 'tool') {
      for (const [j, part] of readArray(m.content, `${what}.content`).entries()) {
        out.push(
          checked(
            toolResult(readRecord(part, `${what}.content[${j}]`), `${what}.content[${j}]`, index, options),
            what,
          ),
        )
      }
      continue
    }
    if (typeof m.content === 'string') {
      out.push(checked({ role: m.role, content: m.content }, what))
      continue
    }
    const parts: ContentPart[] = []
    const toolCalls: Record<string, unknown>[] = []
    for (const [j, rawPart] of readArray(m.content, `${what}.content`).entries()) {
      const where = `${what}.content[${j}]`
      const p = readRecord(rawPart, where)
      if (p.type === 'tool-call' && m.role === 'assistant') toolCalls.push(toolCall(p, where))
      else parts.push(readPart(p, where))
    }
    out.push(
      checked(
        toolCalls.length === 0
          ? { role: m.role, content: parts }
          : { role: m.role, content: parts, toolCalls },
        what,
      ),
    )
  }
  return out
}

function providerData(p: Record<string, unknown>, provider: string): Record<string, unknown> {
  const all = p.providerOptions
  if (typeof all !== 'object' || all === null) return {}
  const one = (all as Record<string, unknown>)[provider]
  return typeof one === 'object' && one !== null ? (one as Record<string, unknown>) : {}
}

function readPart(p: Record<string, unknown>, where: string): ContentPart {
  const openai = providerData(p, 'openai')
  const itemId = typeof openai.itemId === 'string' ? { itemId: openai.itemId } : {}
  switch (p.type) {
    case 'text':
      return { type: 'text', text: readString(p.text, `${where}.text`), ...itemId }
    case 'reasoning': {
      const anthropic = providerData(p, 'anthropic')
      const text = readString(p.text, `${where}.text`)
      if (typeof anthropic.signature === 'string')
        return { type: 'reasoning', text, signature: anthropic.signature }
      if (typeof anthropic.redactedData === 'string')
        return { type: 'reasoning', text, redactedData: anthropic.redactedData }
      const encrypted =
        typeof openai.reasoningEncryptedContent === 'string'
          ? { encryptedContent: openai.reasoningEncryptedContent }
          : {}
      return { type: 'reasoning', text, ...itemId, ...encrypted }
    }
    case 'image':
      return { type: 'image', url: mediaUrl(p.image, p.mediaType, `${where}.image`) }
    case 'file': {
      const mediaType = readString(p.mediaType, `${where}.mediaType`)
      const url = mediaUrl(p.data, mediaType, `${where}.data`)
      if (mediaType.startsWith('image/')) return { type: 'image', url }
      const file = { type: 'file', url, mediaType: mediaType as 'application/pdf' } as const
      return typeof p.filename === 'string' ? { ...file, filename: p.filename } : file
    }
    default:
      throw unsupported(where, p.type, 'text, image, file, reasoning, tool-call, tool-result')
  }
}

function mediaUrl(data: unknown, mediaType: unknown, where: string): string {
  if (data instanceof URL) return data.href
  if (typeof data === 'string' && /^(https?:|data:)/i.test(data)) return data
  if (typeof mediaType !== 'string') {
    throw invalidArgument(`${where}: base64 or bytes need a mediaType (image/png, application/pdf, ...)`)
  }
  if (typeof data === 'string') return `data:${mediaType};base64,${data}`
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return `data:${mediaType};base64,${Buffer.from(data as Uint8Array).toString('base64')}`
  }
  throw invalidArgument(`${where} must be a URL, a data: URL, base64 text or bytes`)
}

function toolCall(p: Record<string, unknown>, where: string): Record<string, unknown> {
  const input = p.input ?? {}
  // A string holding JSON is the arguments text itself: kept, never encoded a second time.
  const args = typeof input === 'string' ? input : jsonText(input, `${where}.input`)
  if (p.providerExecuted === true)
    throw unsupported(where, 'provider-executed tool-call', 'tool calls your code runs')
  const call: Record<string, unknown> = { id: p.toolCallId, name: p.toolName, arguments: args }
  const openai = providerData(p, 'openai')
  if (typeof openai.itemId === 'string') call.itemId = openai.itemId
  return call
}

function toolResult(p: Record<string, unknown>, where: string, index: number, options: FormatOptions) {
  if (p.type !== 'tool-result') throw unsupported(where, p.type, 'tool-result')
  const o = readRecord(p.output, `${where}.output`)
  const base = { role: 'tool', toolCallId: p.toolCallId }
  switch (o.type) {
    case 'text':
      return { ...base, content: o.value }
    case 'error-text':
      return { ...base, content: o.value, isError: true }
    case 'json':
      return { ...base, content: JSON.stringify(o.value ?? null), isJson: true }
    case 'error-json':
      return { ...base, content: JSON.stringify(o.value ?? null), isJson: true, isError: true }
    case 'content':
      return {
        ...base,
        content: readArray(o.value, `${where}.output.value`).map((v, i) =>
          readPart(readRecord(v, `${where}.output.value[${i}]`), `${where}.output.value[${i}]`),
        ),
      }
    case 'execution-denied':
      note(options, 'field-dropped', index, `${where}: a denied execution is kept as an error text`)
      return {
        ...base,
        content: typeof o.reason === 'string' ? o.reason : 'Execution denied.',
        isError: true,
      }
    default:
      throw unsupported(
        `${where}.output`,
        o.type,
        'text, json, error-text, error-json, content, execution-denied',
      )
  }
}
