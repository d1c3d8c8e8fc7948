import { invalidArgument } from '../errors.js'
import type { ImageMediaType } from '../message/media.js'
import { parseDataUrl } from '../message/media.js'
import type { ContentPart, MessageInput } from '../message/model.js'
import { assertMessageList } from '../message/shape.js'
import { argumentsForSdk } from '../message/tool-arguments.js'
import { checkCallOptions } from '../options.js'
import type {
  AnthropicBlock,
  AnthropicMessage,
  AnthropicPayload,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './anthropic-types.js'
import { type FormatOptions, note } from './notes.js'
import { checked, jsonText, readArray, readRecord, readString, unsupported } from './read.js'
import { createIdMap } from './tool-ids.js'

/** Options of {@link toAnthropicMessages}. */
export interface ToAnthropicOptions extends FormatOptions {
  /** Text of the user turn inserted when the conversation would start with the assistant. Default `'(conversation continues)'`. */
  readonly placeholder?: string
}

type Turn = { role: 'user' | 'assistant'; content: string | AnthropicBlock[] }

/**
 * Converts messages to the Messages API `{ system, messages }`, assignable to the
 * `@anthropic-ai/sdk` types: system text lifted to `system`; string content kept a string; parts
 * as blocks (images, PDFs as `document`); reasoning Anthropic produced sent back unchanged
 * (`thinking` with its `signature`, `redacted_thinking`), other reasoning left out with a note;
 * tool calls as `tool_use` (arguments parsed from the stored text, big integers exact where the
 * runtime has `JSON.rawJSON`); tool results as `tool_result` blocks first in the next user turn;
 * consecutive turns of one role merged; a placeholder user turn first when the conversation would
 * start with the assistant. Tool call ids the API refuses are mapped collision-free, the same in a
 * call and its result. Empty text is left out. Pure.
 *
 * @example
 * const { system, messages } = toAnthropicMessages(ctx.messages)
 */
export function toAnthropicMessages(
  messages: readonly MessageInput[],
  options: ToAnthropicOptions = {},
): AnthropicPayload {
  assertMessageList(messages, 'toAnthropicMessages')
  checkCallOptions(options, ['onNote', 'placeholder'], 'toAnthropicMessages()')
  const ids = toolIds(messages, options)
  const system: (string | AnthropicTextBlock[])[] = []
  const turns: Turn[] = []
  const add = (role: Turn['role'], content: string | AnthropicBlock[]) => {
    if (content.length === 0) return
    const last = turns[turns.length - 1]
    if (last === undefined || last.role !== role) turns.push({ role, content })
    else last.content = [...asBlocks(last.content), ...asBlocks(content)]
  }
  for (const [index, m] of messages.entries()) {
    if (m.role === 'system') {
      const text = typeof m.content === 'string' ? m.content : textBlocks(m.content)
      if (text.length > 0) system.push(text)
    } else if (m.role === 'tool') {
      const block: AnthropicToolResultBlock = {
        type: 'tool_result',
        tool_use_id: ids.get(m.toolCallId ?? '') ?? '',
      }
      const content = typeof m.content === 'string' ? m.content : textBlocks(m.content)
      const withContent = content.length === 0 ? block : { ...block, content }
      add('user', [m.isError === undefined ? withContent : { ...withContent, is_error: m.isError }])
    } else if (typeof m.content === 'string' && (m.toolCalls === undefined || m.toolCalls.length === 0)) {
      add(m.role, m.content)
    } else {
      const blocks =
        typeof m.content === 'string' ? asBlocks(m.content) : contentBlocks(m.content, index, options)
      for (const c of m.toolCalls ?? []) {
        const { value, rounded } = argumentsForSdk(c)
        if (rounded)
          note(options, 'number-rounded', index, `arguments of tool call ${c.id} hold an integer beyond 2^53`)
        blocks.push({ type: 'tool_use', id: ids.get(c.id) ?? c.id, name: c.name, input: value })
      }
      add(m.role, blocks)
    }
  }
  for (const turn of turns)
    if (turn.role === 'user' && typeof turn.content !== 'string') resultsFirst(turn.content)
  if (turns[0]?.role === 'assistant') {
    turns.unshift({ role: 'user', content: options.placeholder ?? '(conversation continues)' })
  }
  const out: AnthropicMessage[] = turns
  if (system.length === 0) return { messages: out }
  if (system.length === 1) return { system: system[0]!, messages: out }
  if (system.every((s) => typeof s === 'string')) return { system: system.join('\n\n'), messages: out }
  return { system: system.flatMap((s) => asBlocks(s) as AnthropicTextBlock[]), messages: out }
}

function toolIds(messages: readonly MessageInput[], options: FormatOptions): ReadonlyMap<string, string> {
  const all: string[] = []
  for (const m of messages) {
    for (const c of m.toolCalls ?? []) all.push(c.id)
    if (m.toolCallId !== undefined) all.push(m.toolCallId)
  }
  const ids = createIdMap(all)
  const told = new Set<string>()
  for (const [index, m] of messages.entries()) {
    for (const id of [...(m.toolCalls ?? []).map((c) => c.id), m.toolCallId]) {
      if (id === undefined || ids.get(id) === id || told.has(id)) continue
      told.add(id)
      note(options, 'id-renamed', index, `tool call id ${JSON.stringify(id)} is sent as ${ids.get(id)}`)
    }
  }
  return ids
}

function asBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : content
}

function textBlocks(parts: readonly ContentPart[]): AnthropicTextBlock[] {
  const blocks: AnthropicTextBlock[] = []
  for (const p of parts) if (p.type === 'text' && p.text !== '') blocks.push({ type: 'text', text: p.text })
  return blocks
}

function contentBlocks(
  parts: readonly ContentPart[],
  index: number,
  options: FormatOptions,
): AnthropicBlock[] {
  const blocks: AnthropicBlock[] = []
  for (const part of parts) {
    switch (part.type) {
      case 'text':
      case 'refusal':
        if (part.text !== '') blocks.push({ type: 'text', text: part.text })
        break
      case 'image': {
        const data = parseDataUrl(part.url)
        const source =
          data === undefined
            ? ({ type: 'url', url: part.url } as const)
            : ({ type: 'base64', media_type: data.mediaType as ImageMediaType, data: data.data } as const)
        blocks.push({ type: 'image', source })
        break
      }
      case 'file': {
        const data = parseDataUrl(part.url)
        const source =
          data === undefined
            ? ({ type: 'url', url: part.url } as const)
            : ({ type: 'base64', media_type: 'application/pdf', data: data.data } as const)
        blocks.push(
          part.filename === undefined
            ? { type: 'document', source }
            : { type: 'document', source, title: part.filename },
        )
        break
      }
      case 'reasoning':
        if (part.signature !== undefined) {
          blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature })
        } else if (part.redactedData !== undefined) {
          blocks.push({ type: 'redacted_thinking', data: part.redactedData })
        } else {
          note(
            options,
            'reasoning-dropped',
            index,
            'reasoning without an Anthropic signature cannot be sent to Anthropic',
          )
        }
        break
    }
  }
  return blocks
}

/** Stable partition: tool results move to the front of a user turn, the rest keep their order. */
function resultsFirst(blocks: AnthropicBlock[]): void {
  const results = blocks.filter((b) => b.type === 'tool_result')
  if (results.length === 0 || results.length === blocks.length) return
  const rest = blocks.filter((b) => b.type !== 'tool_result')
  blocks.length = 0
  blocks.push(...results, ...rest)
}

/**
 * Converts a Messages API request (`{ system?, messages }`, as a gateway receives it or as you
 * built it) into sessionkit messages, checked as `append` checks them: `system` becomes a system
 * message; each `tool_result` block a tool message (with `isError` when set); the rest of a user
 * turn one user message; an assistant turn one assistant message whose `thinking` and
 * `redacted_thinking` blocks become reasoning parts with their signature or data, and whose
 * `tool_use` blocks become tool calls. String content stays a string. Block types other than
 * text, image, document (PDF), thinking, redacted_thinking, tool_use and tool_result are
 * `INVALID_ARGUMENT`; `cache_control` and `citations` are left out. Pure.
 *
 * @example
 * const history = fromAnthropicMessages({ system: req.body.system, messages: req.body.messages })
 */
export function fromAnthropicMessages(request: unknown, options: FormatOptions = {}): MessageInput[] {
  const r = readRecord(request, 'request')
  const out: MessageInput[] = []
  if (r.system !== undefined && r.system !== null) {
    out.push(checked({ role: 'system', content: systemContent(r.system, 'system') }, 'system'))
  }
  for (const [index, raw] of readArray(r.messages, 'messages').entries()) {
    const what = `messages[${index}]`
    const turn = readRecord(raw, what)
    if (turn.role === 'system') {
      out.push(checked({ role: 'system', content: systemContent(turn.content, `${what}.content`) }, what))
    } else if (turn.role !== 'user' && turn.role !== 'assistant') {
      throw invalidArgument(
        `${what}.role must be user, assistant or system; got ${JSON.stringify(turn.role)}`,
      )
    } else if (typeof turn.content === 'string') {
      out.push(checked({ role: turn.role, content: turn.content }, what))
    } else {
      out.push(...readTurn(turn.role, readArray(turn.content, `${what}.content`), what, index, options))
    }
  }
  return out
}

function systemContent(value: unknown, where: string): string | ContentPart[] {
  if (typeof value === 'string') return value
  return readArray(value, where).map((raw, i) => {
    const b = readRecord(raw, `${where}[${i}]`)
    if (b.type !== 'text') throw unsupported(`${where}[${i}]`, b.type, 'text')
    return { type: 'text', text: readString(b.text, `${where}[${i}].text`) }
  })
}

function readTurn(
  role: 'user' | 'assistant',
  blocks: readonly unknown[],
  what: string,
  index: number,
  options: FormatOptions,
): MessageInput[] {
  const out: MessageInput[] = []
  const parts: ContentPart[] = []
  const toolCalls: Record<string, unknown>[] = []
  for (const [j, raw] of blocks.entries()) {
    const where = `${what}.content[${j}]`
    const b = readRecord(raw, where)
    if (b.cache_control != null || b.citations != null) {
      note(options, 'field-dropped', index, `${where}: cache_control and citations are not kept`)
    }
    if (role === 'user' && b.type === 'tool_result') out.push(checked(toolResult(b, where), where))
    else if (role === 'assistant' && b.type === 'tool_use') {
      toolCalls.push({ id: b.id, name: b.name, arguments: jsonText(b.input ?? {}, `${where}.input`) })
    } else parts.push(readBlock(b, where))
  }
  const hasContent = parts.length > 0 || toolCalls.length > 0
  if (hasContent) {
    const message = toolCalls.length === 0 ? { role, content: parts } : { role, content: parts, toolCalls }
    out.push(checked(message, what))
  }
  return out
}

function toolResult(b: Record<string, unknown>, where: string): Record<string, unknown> {
  const content =
    b.content === undefined ? '' : typeof b.content === 'string' ? b.content : resultParts(b.content, where)
  const message: Record<string, unknown> = { role: 'tool', toolCallId: b.tool_use_id, content }
  if (b.is_error !== undefined) message.isError = b.is_error
  return message
}

function resultParts(value: unknown, where: string): ContentPart[] {
  return readArray(value, `${where}.content`).map((raw, i) => {
    const b = readRecord(raw, `${where}.content[${i}]`)
    if (b.type !== 'text') throw unsupported(`${where}.content[${i}]`, b.type, 'text (in a tool result)')
    return { type: 'text', text: readString(b.text, `${where}.content[${i}].text`) }
  })
}

function readBlock(b: Record<string, unknown>, where: string): ContentPart {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: readString(b.text, `${where}.text`) }
    case 'thinking':
      return {
        type: 'reasoning',
        text: readString(b.thinking, `${where}.thinking`),
        signature: readString(b.signature, `${where}.signature`),
      }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redactedData: readString(b.data, `${where}.data`) }
    case 'image':
      return { type: 'image', url: sourceUrl(b.source, `${where}.source`) }
    case 'document': {
      const part = {
        type: 'file',
        url: sourceUrl(b.source, `${where}.source`),
        mediaType: 'application/pdf',
      } as const
      return typeof b.title === 'string' ? { ...part, filename: b.title } : part
    }
    default:
      throw unsupported(
        where,
        b.type,
        'text, image, document, thinking, redacted_thinking, tool_use, tool_result',
      )
  }
}

function sourceUrl(value: unknown, where: string): string {
  const source = readRecord(value, where)
  if (source.type === 'url') return readString(source.url, `${where}.url`)
  if (source.type === 'base64') {
    return `data:${readString(source.media_type, `${where}.media_type`)};base64,${readString(source.data, `${where}.data`)}`
  }
  throw unsupported(where, source.type, 'url, base64')
}
