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
  /** Assistant messages: the id of the OpenAI Responses `message` item it came from, replayed there. */
  readonly itemId?: string
}

/** An assistant's refusal to answer (OpenAI's `refusal`): visible text, kept apart so it goes back as one. */
export interface RefusalPart {
  readonly type: 'refusal'
  readonly text: string
  /** The id of the OpenAI Responses `message` item it came from. */
  readonly itemId?: string
}

/** How closely OpenAI looks at an image; other providers ignore it. */
export type ImageDetail = 'auto' | 'low' | 'high' | 'original'

/**
 * An image on a user message: an `http(s):` URL, or a `data:` URL of a type every provider takes
 * (`image/png`, `image/jpeg`, `image/gif`, `image/webp`) in base64.
 */
export interface ImagePart {
  readonly type: 'image'
  readonly url: string
  readonly detail?: ImageDetail
}

/** A PDF document on a user message: an `https:` URL or a `data:application/pdf;base64,` URL. */
export interface FilePart {
  readonly type: 'file'
  readonly url: string
  readonly mediaType: 'application/pdf'
  readonly filename?: string
}

/**
 * What a model thought before it answered, on an assistant message. It is never counted as the
 * message's visible text. A part carries one provider's opaque data and is replayed only to that
 * provider: Anthropic's `signature` (or `redactedData` for a redacted block, whose `text` is
 * empty), or an OpenAI Responses reasoning item's `itemId` (parts of one item share it; the
 * first holds its `encryptedContent`). A part with neither is shown by the AI SDK only.
 */
export interface ReasoningPart {
  readonly type: 'reasoning'
  readonly text: string
  readonly signature?: string
  readonly redactedData?: string
  readonly itemId?: string
  readonly encryptedContent?: string
}

/** One piece of a message's content. */
export type ContentPart = TextPart | RefusalPart | ImagePart | FilePart | ReasoningPart

/** A tool the assistant asks to run; its result comes back as a `tool` message with the same `id`. */
export interface ToolCall {
  /** Unique within the message; the `toolCallId` of the answering tool message. */
  readonly id: string
  readonly name: string
  /**
   * The arguments: the exact JSON text of an object as the model wrote it (stored messages always
   * hold this text, so big integers and key order survive), or an object, serialised once on append.
   * Read them with `parseToolArguments`.
   */
  readonly arguments: string | JsonObject
  /** The id of the OpenAI Responses `function_call` item it came from. */
  readonly itemId?: string
}

/**
 * A message as the caller writes it. The store adds `seq`, `id` and `createdAt`.
 *
 * @example
 * const m: MessageInput = { role: 'user', content: 'Any 2BHK in Whitefield?' }
 */
export interface MessageInput {
  readonly role: HistoryRole
  /**
   * Text, or parts: text on every role; images and PDFs on user messages; refusals and reasoning
   * on assistant messages. May be empty only on a tool result or an assistant message with tool calls.
   */
  readonly content: string | readonly ContentPart[]
  /** Assistant messages only: the tools it asks to run. */
  readonly toolCalls?: readonly ToolCall[]
  /** Tool messages only (required there): the `ToolCall.id` this result answers. */
  readonly toolCallId?: string
  /** Tool messages only: the tool failed and the content says why. */
  readonly isError?: boolean
  /** Tool messages only: the content is the JSON text of the tool's result value. */
  readonly isJson?: boolean
  /** Free JSON kept with the message and never sent to a provider. */
  readonly metadata?: JsonObject
}

/**
 * The visible text of a message: a string as is, the text and refusal parts joined by a newline
 * (images, files and reasoning left out).
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
    if (part?.type !== 'text' && part.type !== 'refusal') continue
    text = text === '' ? part.text : `${text}\n${part.text}`
  }
  return text
}

/** How many parts of `type` a message holds. */
export function partCount(message: Pick<MessageInput, 'content'>, type: ContentPart['type']): number {
  if (typeof message.content === 'string') return 0
  let n = 0
  for (const part of message.content) if (part.type === type) n++
  return n
}
