import type { ImageMediaType } from '../message/media.js'

// The Messages API request shapes, written out structurally so the library needs no SDK; type
// tests pin each to the official `@anthropic-ai/sdk` types (`MessageParam`, `TextBlockParam`).

/** A text block. */
export interface AnthropicTextBlock {
  readonly type: 'text'
  readonly text: string
}
/** An image block: by URL, or base64 data of a type the API takes. */
export interface AnthropicImageBlock {
  readonly type: 'image'
  readonly source:
    | { readonly type: 'url'; readonly url: string }
    | { readonly type: 'base64'; readonly media_type: ImageMediaType; readonly data: string }
}
/** A PDF document block: by URL or base64 data; `title` holds the file name. */
export interface AnthropicDocumentBlock {
  readonly type: 'document'
  readonly source:
    | { readonly type: 'url'; readonly url: string }
    | { readonly type: 'base64'; readonly media_type: 'application/pdf'; readonly data: string }
  readonly title?: string
}
/** Extended thinking, sent back unchanged with its signature. */
export interface AnthropicThinkingBlock {
  readonly type: 'thinking'
  readonly thinking: string
  readonly signature: string
}
/** Thinking the API returned encrypted, sent back unchanged. */
export interface AnthropicRedactedThinkingBlock {
  readonly type: 'redacted_thinking'
  readonly data: string
}
/** The assistant asks for a tool. */
export interface AnthropicToolUseBlock {
  readonly type: 'tool_use'
  readonly id: string
  readonly name: string
  /** The arguments object (big integers kept exact where the runtime has `JSON.rawJSON`). */
  readonly input: unknown
}
/** A tool's answer, sent at the start of the next user turn. `content` is absent when empty. */
export interface AnthropicToolResultBlock {
  readonly type: 'tool_result'
  readonly tool_use_id: string
  readonly content?: string | AnthropicTextBlock[]
  readonly is_error?: boolean
}
/** Any content block this converter writes. */
export type AnthropicBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock

/** One turn of a Messages API request. */
export interface AnthropicMessage {
  readonly role: 'user' | 'assistant'
  readonly content: string | AnthropicBlock[]
}

/** The `system` and `messages` fields of a Messages API request. */
export interface AnthropicPayload {
  /** The system prompt: a string, or text blocks when it was written as parts; absent when there is none. */
  readonly system?: string | AnthropicTextBlock[]
  readonly messages: AnthropicMessage[]
}
