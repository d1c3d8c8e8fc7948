import { contentText, type MessageInput } from './message.js'
import { assertMessageList } from './message-shape.js'

/** A content part of a chat completions message. */
export type OpenAIContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } }

/** A tool call in the chat completions shape: arguments travel as a JSON string. */
export interface OpenAIToolCall {
  readonly id: string
  readonly type: 'function'
  readonly function: { readonly name: string; readonly arguments: string }
}

/** One message of a chat completions request (`messages[]`). */
export type OpenAIMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly OpenAIContentPart[] }
  | {
      readonly role: 'assistant'
      readonly content: string | null
      readonly tool_calls?: readonly OpenAIToolCall[]
    }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string }

/**
 * Converts messages to the chat completions `messages` array: text as strings, images as
 * `image_url` parts, tool calls as `{ id, type: 'function', function: { name, arguments } }` with
 * the arguments serialised, tool results as `{ role: 'tool', tool_call_id, content }`. An
 * assistant message that only calls tools has `content: null`. Metadata is left out. Pure.
 *
 * @example
 * await client.chat.completions.create({ model, messages: toOpenAIMessages(ctx.messages) })
 */
export function toOpenAIMessages(messages: readonly MessageInput[]): OpenAIMessage[] {
  assertMessageList(messages, 'toOpenAIMessages')
  const out: OpenAIMessage[] = []
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        out.push({ role: 'system', content: contentText(m) })
        break
      case 'user':
        out.push({ role: 'user', content: userContent(m) })
        break
      case 'assistant': {
        const text = contentText(m)
        if (m.toolCalls === undefined || m.toolCalls.length === 0) {
          out.push({ role: 'assistant', content: text })
          break
        }
        const tool_calls = m.toolCalls.map(
          (c): OpenAIToolCall => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: JSON.stringify(c.arguments) },
          }),
        )
        out.push({ role: 'assistant', content: text === '' ? null : text, tool_calls })
        break
      }
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.toolCallId ?? '', content: contentText(m) })
        break
    }
  }
  return out
}

function userContent(m: MessageInput): string | OpenAIContentPart[] {
  if (typeof m.content === 'string') return m.content
  if (m.content.every((p) => p.type === 'text')) return contentText(m)
  return m.content.map(
    (p): OpenAIContentPart =>
      p.type === 'text' ? { type: 'text', text: p.text } : { type: 'image_url', image_url: { url: p.url } },
  )
}
