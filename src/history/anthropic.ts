import { checkCallOptions } from '../options.js'
import type { JsonObject, MessageInput } from './message.js'
import { contentText } from './message.js'
import { assertMessageList } from './message-shape.js'

/** A text block of an Messages API request. */
export interface AnthropicTextBlock {
  readonly type: 'text'
  readonly text: string
}
/** An image block: by URL, or base64 data taken from a `data:` URL. */
export interface AnthropicImageBlock {
  readonly type: 'image'
  readonly source:
    | { readonly type: 'url'; readonly url: string }
    | { readonly type: 'base64'; readonly media_type: string; readonly data: string }
}
/** The assistant asks for a tool. */
export interface AnthropicToolUseBlock {
  readonly type: 'tool_use'
  readonly id: string
  readonly name: string
  readonly input: JsonObject
}
/** A tool's answer, sent in the next user turn. `content` is absent when the result was empty. */
export interface AnthropicToolResultBlock {
  readonly type: 'tool_result'
  readonly tool_use_id: string
  readonly content?: string
}
/** Any content block this converter writes. */
export type AnthropicBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock

/** One turn of an Messages API request. */
export interface AnthropicMessage {
  readonly role: 'user' | 'assistant'
  readonly content: AnthropicBlock[]
}

/** The `system` and `messages` fields of an Messages API request. */
export interface AnthropicPayload {
  /** All system messages' text, joined by a blank line; absent when there is none. */
  readonly system?: string
  readonly messages: AnthropicMessage[]
}

/** Options of {@link toAnthropicMessages}. */
export interface ToAnthropicOptions {
  /** Text of the user turn inserted when the conversation would start with the assistant. Default `'(conversation continues)'`. */
  readonly placeholder?: string
}

const dataUrl = /^data:([^;,]+);base64,(.*)$/s

/**
 * Converts messages to the Messages API shape: system text lifted to the top-level `system`,
 * content as blocks, tool calls as `tool_use` blocks, tool results as `tool_result` blocks at the
 * start of the next user turn, consecutive turns of one role merged into one, and a placeholder
 * user turn first when the conversation would start with the assistant. Tool call ids are made
 * safe for the API by replacing characters outside `A-Z a-z 0-9 _ -` with `_` (in both the call
 * and its result, so pairs still match). Empty text is left out. Pure.
 *
 * @example
 * const { system, messages } = toAnthropicMessages(ctx.messages)
 */
export function toAnthropicMessages(
  messages: readonly MessageInput[],
  options: ToAnthropicOptions = {},
): AnthropicPayload {
  assertMessageList(messages, 'toAnthropicMessages')
  checkCallOptions(options, ['placeholder'], 'toAnthropicMessages()')
  const system: string[] = []
  const turns: { role: 'user' | 'assistant'; content: AnthropicBlock[] }[] = []
  const add = (role: 'user' | 'assistant', blocks: AnthropicBlock[]) => {
    if (blocks.length === 0) return
    const last = turns[turns.length - 1]
    if (last !== undefined && last.role === role) last.content.push(...blocks)
    else turns.push({ role, content: blocks })
  }
  for (const m of messages) {
    if (m.role === 'system') {
      const text = contentText(m)
      if (text !== '') system.push(text)
    } else if (m.role === 'tool') {
      const text = contentText(m)
      const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: safeId(m.toolCallId ?? '') }
      add('user', [text === '' ? block : { ...block, content: text }])
    } else {
      const blocks = contentBlocks(m)
      if (m.role === 'assistant') {
        for (const c of m.toolCalls ?? [])
          blocks.push({ type: 'tool_use', id: safeId(c.id), name: c.name, input: c.arguments })
      }
      add(m.role, blocks)
    }
  }
  for (const turn of turns) if (turn.role === 'user') resultsFirst(turn.content)
  if (turns[0]?.role === 'assistant') {
    turns.unshift({
      role: 'user',
      content: [{ type: 'text', text: options.placeholder ?? '(conversation continues)' }],
    })
  }
  return system.length === 0 ? { messages: turns } : { system: system.join('\n\n'), messages: turns }
}

function contentBlocks(m: MessageInput): AnthropicBlock[] {
  if (typeof m.content === 'string') return m.content === '' ? [] : [{ type: 'text', text: m.content }]
  const blocks: AnthropicBlock[] = []
  for (const part of m.content) {
    if (part.type === 'text') {
      if (part.text !== '') blocks.push({ type: 'text', text: part.text })
      continue
    }
    const data = dataUrl.exec(part.url)
    blocks.push({
      type: 'image',
      source:
        data === null
          ? { type: 'url', url: part.url }
          : { type: 'base64', media_type: data[1]!, data: data[2]! },
    })
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

function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_')
}
