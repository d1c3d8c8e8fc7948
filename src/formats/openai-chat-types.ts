import type { ImageDetail } from '../message/model.js'

// The chat completions request shapes, written out structurally so the library needs no SDK; type
// tests pin each to the official `openai` types (`ChatCompletionMessageParam`).

/** A text part of a chat completions message. */
export interface OpenAITextPart {
  readonly type: 'text'
  readonly text: string
}
/** An image part: a URL or a `data:` URL, with OpenAI's optional `detail`. */
export interface OpenAIImagePart {
  readonly type: 'image_url'
  readonly image_url: { readonly url: string; readonly detail?: ImageDetail }
}
/** A PDF sent inline as a `data:` URL. */
export interface OpenAIFilePart {
  readonly type: 'file'
  readonly file: { readonly file_data: string; readonly filename?: string }
}
/** A refusal part of an assistant message. */
export interface OpenAIRefusalPart {
  readonly type: 'refusal'
  readonly refusal: string
}
/** A content part of a user message. */
export type OpenAIContentPart = OpenAITextPart | OpenAIImagePart | OpenAIFilePart

/** A tool call in the chat completions shape: arguments travel as the JSON text. */
export interface OpenAIToolCall {
  readonly id: string
  readonly type: 'function'
  readonly function: { readonly name: string; readonly arguments: string }
}

/** A system (or, for reasoning models, developer) message. */
export interface OpenAISystemMessage {
  readonly role: 'system'
  readonly content: string | OpenAITextPart[]
}
/** A developer message: what reasoning models call the system prompt. */
export interface OpenAIDeveloperMessage {
  readonly role: 'developer'
  readonly content: string | OpenAITextPart[]
}
/** A user message. */
export interface OpenAIUserMessage {
  readonly role: 'user'
  readonly content: string | OpenAIContentPart[]
}
/** An assistant message: `content` is `null` when it only calls tools or refuses. */
export interface OpenAIAssistantMessage {
  readonly role: 'assistant'
  readonly content: string | null | (OpenAITextPart | OpenAIRefusalPart)[]
  readonly refusal?: string
  readonly tool_calls?: OpenAIToolCall[]
}
/** A tool's result, answering the call with the same id. */
export interface OpenAIToolMessage {
  readonly role: 'tool'
  readonly tool_call_id: string
  readonly content: string | OpenAITextPart[]
}

/** One message of a chat completions request (`messages[]`). */
export type OpenAIMessage =
  | OpenAISystemMessage
  | OpenAIDeveloperMessage
  | OpenAIUserMessage
  | OpenAIAssistantMessage
  | OpenAIToolMessage
