import { invalidArgument } from '../errors.js'
import type { JsonValue } from '../store/contract.js'

/** Who speaks in a message. */
export type HistoryRole = 'system' | 'user' | 'assistant' | 'tool'

/** A plain JSON object (tool call arguments, message metadata). */
export type JsonObject = { readonly [key: string]: JsonValue }

/** A run of text inside a message. */
export interface TextPart {
  readonly type: 'text'
  readonly text: string
}

/** An image by reference: an `https:` URL or a `data:image/...;base64,` URL. Allowed on user messages. */
export interface ImagePart {
  readonly type: 'image'
  readonly url: string
}

/** One piece of a message's content. */
export type ContentPart = TextPart | ImagePart

/** A tool the assistant asks to run; its result comes back as a `tool` message with the same `id`. */
export interface ToolCall {
  /** Unique within the message; the `toolCallId` of the answering tool message. */
  readonly id: string
  readonly name: string
  /** The arguments as a JSON object (providers that send a string are parsed by `fromOpenAIMessages`). */
  readonly arguments: JsonObject
}

/**
 * A message as the caller writes it. The store adds `seq`, `id` and `createdAt`.
 *
 * @example
 * const m: MessageInput = { role: 'user', content: 'Any 2BHK in Whitefield?' }
 */
export interface MessageInput {
  readonly role: HistoryRole
  /** Text, or parts (text and, on user messages, images). May be empty only on an assistant message with tool calls. */
  readonly content: string | readonly ContentPart[]
  /** Assistant messages only: the tools it asks to run. */
  readonly toolCalls?: readonly ToolCall[]
  /** Tool messages only (required there): the `ToolCall.id` this result answers. */
  readonly toolCallId?: string
  /** Free JSON kept with the message and never sent to a provider. */
  readonly metadata?: JsonObject
}

/**
 * A stored message: the input plus what the store assigned.
 *
 * @example
 * const { seq, id, createdAt, role, content } = (await session.history.list()).messages[0]
 */
export interface HistoryMessage extends MessageInput {
  /** Position in the session's log: 1, 2, 3 ... never reused, not even after `clear()`. */
  readonly seq: number
  /** Random unique id (UUID), given before the write. */
  readonly id: string
  /** Epoch ms of the append, from the kit's clock. */
  readonly createdAt: number
}

/**
 * The text of a message's content: a string as is, parts' text joined by a newline (images left out).
 *
 * @example
 * contentText({ role: 'user', content: [{ type: 'text', text: 'hi' }] }) // 'hi'
 */
export function contentText(message: Pick<MessageInput, 'content'>): string {
  const content = message?.content
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) {
    throw invalidArgument(
      'a message needs content: a string or an array of parts such as { type: "text", text }',
    )
  }
  let text = ''
  for (const part of content as readonly ContentPart[]) {
    if (part?.type !== 'text') continue
    text = text === '' ? part.text : `${text}\n${part.text}`
  }
  return text
}

/** How many image parts a message holds. */
export function imageCount(message: Pick<MessageInput, 'content'>): number {
  if (typeof message.content === 'string') return 0
  let n = 0
  for (const part of message.content) if (part.type === 'image') n++
  return n
}
