import type { JsonValue } from '../store/contract.js'

// The Vercel AI SDK's `ModelMessage` shapes this converter writes, structural so the library needs
// no SDK; type tests pin them to the official `ai` types (`ModelMessage[]`).

/** Per-provider data on a part (the AI SDK's `providerOptions`): item ids, signatures, encrypted content. */
export type AiProviderOptions = { readonly [provider: string]: { readonly [key: string]: string } }

/** Text, with the OpenAI Responses item id when it came from one. */
export interface AiTextPart {
  readonly type: 'text'
  readonly text: string
  readonly providerOptions?: AiProviderOptions
}
/** An image by URL or `data:` URL. */
export interface AiImagePart {
  readonly type: 'image'
  readonly image: string
}
/** A PDF by URL or `data:` URL. */
export interface AiFilePart {
  readonly type: 'file'
  readonly data: string
  readonly mediaType: string
  readonly filename?: string
}
/** Reasoning, with the producing provider's opaque data in `providerOptions`. */
export interface AiReasoningPart {
  readonly type: 'reasoning'
  readonly text: string
  readonly providerOptions?: AiProviderOptions
}
/** A tool call: `input` is the parsed arguments object. */
export interface AiToolCallPart {
  readonly type: 'tool-call'
  readonly toolCallId: string
  readonly toolName: string
  readonly input: unknown
  readonly providerOptions?: AiProviderOptions
}
/** What a tool returned: text, a JSON value, an error, or text parts. */
export type AiToolResultOutput =
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'json'; readonly value: JsonValue }
  | { readonly type: 'error-text'; readonly value: string }
  | { readonly type: 'error-json'; readonly value: JsonValue }
  | { readonly type: 'content'; readonly value: { readonly type: 'text'; readonly text: string }[] }
/** A tool's result. */
export interface AiToolResultPart {
  readonly type: 'tool-result'
  readonly toolCallId: string
  readonly toolName: string
  readonly output: AiToolResultOutput
}

/** A system message (text only in the AI SDK). */
export interface AiSystemMessage {
  readonly role: 'system'
  readonly content: string
}
/** A user message. */
export interface AiUserMessage {
  readonly role: 'user'
  readonly content: string | (AiTextPart | AiImagePart | AiFilePart)[]
}
/** An assistant message. */
export interface AiAssistantMessage {
  readonly role: 'assistant'
  readonly content: string | (AiTextPart | AiReasoningPart | AiToolCallPart)[]
}
/** Tool results: one message holds a step's results. */
export interface AiToolMessage {
  readonly role: 'tool'
  readonly content: AiToolResultPart[]
}
/** One AI SDK `ModelMessage` as this converter writes it. */
export type AiModelMessage = AiSystemMessage | AiUserMessage | AiAssistantMessage | AiToolMessage
