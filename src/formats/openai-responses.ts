import type { ContentPart, MessageInput, ReasoningPart } from '../message/model.js'
import { assertMessageList } from '../message/shape.js'
import { argumentsText } from '../message/tool-arguments.js'
import { checkCallOptions } from '../options.js'
import { type FormatOptions, note } from './notes.js'
import type {
  ResponsesInputContent,
  ResponsesInputItem,
  ResponsesInputText,
  ResponsesOutputMessage,
} from './openai-responses-types.js'
import { checked, readArray, readRecord, readString, unsupported } from './read.js'

/** Options of {@link toResponsesInput}. */
export interface ToResponsesOptions extends FormatOptions {
  /** Role of system messages: `'developer'` for reasoning models that ask for it. Default `'system'`. */
  readonly systemRole?: 'system' | 'developer'
}

/**
 * Converts messages to a Responses API `input` array, assignable to the `openai` SDK's
 * `ResponseInput`: system and user messages as messages (`input_text`, `input_image`,
 * `input_file` parts); an assistant message as its items in order: reasoning items OpenAI produced
 * (by `itemId`, with their summaries and `encrypted_content`), output messages with their ids
 * (text without an id as a plain assistant message), then `function_call` items with the exact
 * arguments text; tool results as `function_call_output`. Reasoning another provider produced is
 * left out with a note. Pure.
 *
 * @example
 * await openai.responses.create({ model, input: toResponsesInput(ctx.messages), store: false, include: ['reasoning.encrypted_content'] })
 */
export function toResponsesInput(
  messages: readonly MessageInput[],
  options: ToResponsesOptions = {},
): ResponsesInputItem[] {
  assertMessageList(messages, 'toResponsesInput')
  checkCallOptions(options, ['onNote', 'systemRole'], 'toResponsesInput()')
  const out: ResponsesInputItem[] = []
  for (const [index, m] of messages.entries()) {
    if (m.role === 'system' || m.role === 'user') {
      out.push({
        role: m.role === 'system' ? (options.systemRole ?? 'system') : 'user',
        content: inputContent(m.content),
      })
    } else if (m.role === 'tool') {
      const output =
        typeof m.content === 'string' ? m.content : (inputContent(m.content) as ResponsesInputText[])
      out.push({ type: 'function_call_output', call_id: m.toolCallId ?? '', output })
    } else {
      assistantItems(m, index, options, out)
    }
  }
  return out
}

function inputContent(content: MessageInput['content']): string | ResponsesInputContent[] {
  if (typeof content === 'string') return content
  const parts: ResponsesInputContent[] = []
  for (const p of content) {
    if (p.type === 'text') parts.push({ type: 'input_text', text: p.text })
    else if (p.type === 'image')
      parts.push({ type: 'input_image', image_url: p.url, detail: p.detail ?? 'auto' })
    else if (p.type === 'file') {
      const file = p.url.startsWith('data:')
        ? ({ type: 'input_file', file_data: p.url } as const)
        : ({ type: 'input_file', file_url: p.url } as const)
      parts.push(p.filename === undefined ? file : { ...file, filename: p.filename })
    }
  }
  return parts
}

function assistantItems(
  m: MessageInput,
  index: number,
  options: FormatOptions,
  out: ResponsesInputItem[],
): void {
  const parts: readonly ContentPart[] =
    typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content
  let message: ResponsesOutputMessage | undefined
  for (const p of parts) {
    if (p.type === 'text' || p.type === 'refusal') {
      if (p.itemId === undefined) {
        message = undefined
        if (p.text !== '') out.push({ role: 'assistant', content: p.text })
        continue
      }
      if (message?.id !== p.itemId) {
        message = { type: 'message', id: p.itemId, role: 'assistant', status: 'completed', content: [] }
        out.push(message)
      }
      message.content.push(
        p.type === 'text'
          ? { type: 'output_text', text: p.text, annotations: [] }
          : { type: 'refusal', refusal: p.text },
      )
    } else if (p.type === 'reasoning') {
      message = undefined
      reasoningItem(p, index, options, out)
    }
  }
  for (const c of m.toolCalls ?? []) {
    const call = { type: 'function_call', call_id: c.id, name: c.name, arguments: argumentsText(c) } as const
    out.push(c.itemId === undefined ? call : { ...call, id: c.itemId, status: 'completed' })
  }
}

function reasoningItem(
  p: ReasoningPart,
  index: number,
  options: FormatOptions,
  out: ResponsesInputItem[],
): void {
  if (p.itemId === undefined) {
    note(
      options,
      'reasoning-dropped',
      index,
      'reasoning without an OpenAI item id cannot be sent to the Responses API',
    )
    return
  }
  const last = out[out.length - 1]
  const item =
    last !== undefined && 'type' in last && last.type === 'reasoning' && last.id === p.itemId
      ? last
      : undefined
  const summary = p.text === '' ? [] : [{ type: 'summary_text', text: p.text } as const]
  if (item !== undefined) item.summary.push(...summary)
  else {
    const fresh = { type: 'reasoning', id: p.itemId, summary } as const
    out.push(p.encryptedContent === undefined ? fresh : { ...fresh, encrypted_content: p.encryptedContent })
  }
}

/**
 * Converts a Responses API `input` (a string, or items as a gateway receives them or as you
 * built them) into sessionkit messages, checked as `append` checks them. Consecutive assistant
 * items (reasoning, output messages, function calls) form one assistant message, so a tool loop
 * stays one unit: reasoning items become reasoning parts (one per summary text, sharing the item
 * id; the first holds `encrypted_content`), output text and refusals keep their item id, function
 * calls their exact arguments text and item id. `developer` becomes `system`. Item types other
 * than messages, reasoning, function calls and their outputs are `INVALID_ARGUMENT`; a reasoning
 * item's raw `content` and output annotations are left out with a note. Pure.
 *
 * @example
 * const history = fromResponsesInput(req.body.input)
 */
export function fromResponsesInput(input: unknown, options: FormatOptions = {}): MessageInput[] {
  if (typeof input === 'string') return [checked({ role: 'user', content: input }, 'input')]
  const out: MessageInput[] = []
  let parts: ContentPart[] = []
  let calls: Record<string, unknown>[] = []
  let plain: string | undefined
  let items = 0
  const flush = (where: string) => {
    if (items === 0) return
    const content = items === 1 && plain !== undefined ? plain : parts
    out.push(
      checked(
        calls.length === 0
          ? { role: 'assistant', content }
          : { role: 'assistant', content, toolCalls: calls },
        where,
      ),
    )
    parts = []
    calls = []
    plain = undefined
    items = 0
  }
  for (const [index, raw] of readArray(input, 'input').entries()) {
    const where = `input[${index}]`
    const item = readRecord(raw, where)
    const type = item.type ?? (item.role === undefined ? undefined : 'message')
    if (type === 'message' && item.role === 'assistant') {
      items++
      if (typeof item.content === 'string' && item.id === undefined) {
        plain = item.content
        parts.push({ type: 'text', text: item.content })
      } else {
        plain = undefined
        parts.push(...outputParts(item, where, index, options))
      }
    } else if (type === 'reasoning') {
      items++
      plain = undefined
      parts.push(...reasoningParts(item, where, index, options))
    } else if (type === 'function_call') {
      items++
      plain = undefined
      const call: Record<string, unknown> = { id: item.call_id, name: item.name, arguments: item.arguments }
      if (item.id !== undefined) call.itemId = item.id
      calls.push(call)
    } else {
      flush(where)
      out.push(checked(otherItem(item, type, where), where))
    }
  }
  flush('input')
  return out
}

function otherItem(item: Record<string, unknown>, type: unknown, where: string): Record<string, unknown> {
  if (type === 'function_call_output') {
    const content = typeof item.output === 'string' ? item.output : inputParts(item.output, `${where}.output`)
    return { role: 'tool', toolCallId: item.call_id, content }
  }
  if (type === 'message') {
    const role = item.role === 'developer' ? 'system' : item.role
    return {
      role,
      content: typeof item.content === 'string' ? item.content : inputParts(item.content, `${where}.content`),
    }
  }
  throw unsupported(where, type, 'message, reasoning, function_call, function_call_output')
}

function inputParts(value: unknown, where: string): ContentPart[] {
  return readArray(value, where).map((raw, i): ContentPart => {
    const at = `${where}[${i}]`
    const p = readRecord(raw, at)
    if (p.type === 'input_text' || p.type === 'output_text')
      return { type: 'text', text: readString(p.text, `${at}.text`) }
    if (p.type === 'input_image') {
      const url = readString(p.image_url, `${at}.image_url`)
      return (
        p.detail === undefined ? { type: 'image', url } : { type: 'image', url, detail: p.detail }
      ) as ContentPart
    }
    if (p.type === 'input_file') {
      const url = readString(p.file_data ?? p.file_url, `${at}.file_data`)
      const part = { type: 'file', url, mediaType: 'application/pdf' } as const
      return typeof p.filename === 'string' ? { ...part, filename: p.filename } : part
    }
    throw unsupported(at, p.type, 'input_text, input_image, input_file')
  })
}

function outputParts(
  item: Record<string, unknown>,
  where: string,
  index: number,
  options: FormatOptions,
): ContentPart[] {
  const itemId = item.id === undefined ? undefined : readString(item.id, `${where}.id`)
  return readArray(item.content, `${where}.content`).map((raw, i): ContentPart => {
    const at = `${where}.content[${i}]`
    const p = readRecord(raw, at)
    const id = itemId === undefined ? {} : { itemId }
    if (p.type === 'output_text' || p.type === 'input_text') {
      if (Array.isArray(p.annotations) && p.annotations.length > 0) {
        note(options, 'field-dropped', index, `${at}.annotations are not kept`)
      }
      return { type: 'text', text: readString(p.text, `${at}.text`), ...id }
    }
    if (p.type === 'refusal') return { type: 'refusal', text: readString(p.refusal, `${at}.refusal`), ...id }
    throw unsupported(at, p.type, 'output_text, refusal')
  })
}

function reasoningParts(
  item: Record<string, unknown>,
  where: string,
  index: number,
  options: FormatOptions,
): ContentPart[] {
  const itemId = readString(item.id, `${where}.id`)
  if (Array.isArray(item.content) && item.content.length > 0) {
    note(
      options,
      'field-dropped',
      index,
      `${where}.content (raw reasoning text) is not kept; OpenAI does not take it back`,
    )
  }
  const texts = readArray(item.summary ?? [], `${where}.summary`).map((raw, i) =>
    readString(readRecord(raw, `${where}.summary[${i}]`).text, `${where}.summary[${i}].text`),
  )
  const encrypted =
    typeof item.encrypted_content === 'string' ? { encryptedContent: item.encrypted_content } : {}
  if (texts.length === 0) return [{ type: 'reasoning', text: '', itemId, ...encrypted }]
  return texts.map((text, i) => ({ type: 'reasoning', text, itemId, ...(i === 0 ? encrypted : {}) }))
}
