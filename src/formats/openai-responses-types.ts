import type { ImageDetail } from '../message/model.js'

// The Responses API input item shapes, written out structurally so the library needs no SDK; type
// tests pin them to the official `openai` types (`ResponseInput`, the `input` of `responses.create`).

/** Text in an input message or a function call output. */
export interface ResponsesInputText {
  readonly type: 'input_text'
  readonly text: string
}
/** An image by URL or `data:` URL, with its `detail`. */
export interface ResponsesInputImage {
  readonly type: 'input_image'
  readonly image_url: string
  readonly detail: ImageDetail
}
/** A PDF: inline as `file_data` (a `data:` URL) or by `file_url`. */
export type ResponsesInputFile =
  | { readonly type: 'input_file'; readonly file_data: string; readonly filename?: string }
  | { readonly type: 'input_file'; readonly file_url: string; readonly filename?: string }
/** A content part of an input message. */
export type ResponsesInputContent = ResponsesInputText | ResponsesInputImage | ResponsesInputFile

/** A message written by the caller: system, developer, user, or an assistant turn given as text. */
export interface ResponsesMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant'
  readonly content: string | ResponsesInputContent[]
}
/** Text the model wrote, in an output message item. */
export interface ResponsesOutputText {
  readonly type: 'output_text'
  readonly text: string
  readonly annotations: never[]
}
/** A refusal the model wrote, in an output message item. */
export interface ResponsesRefusal {
  readonly type: 'refusal'
  readonly refusal: string
}
/** An assistant message item as the API returned it, sent back with its id. */
export interface ResponsesOutputMessage {
  readonly type: 'message'
  readonly id: string
  readonly role: 'assistant'
  readonly status: 'completed'
  readonly content: (ResponsesOutputText | ResponsesRefusal)[]
}
/** A reasoning item, sent back with its id, summary and encrypted content. */
export interface ResponsesReasoningItem {
  readonly type: 'reasoning'
  readonly id: string
  readonly summary: { readonly type: 'summary_text'; readonly text: string }[]
  readonly encrypted_content?: string
}
/** The model calls a function: `arguments` is the exact JSON text. */
export interface ResponsesFunctionCall {
  readonly type: 'function_call'
  readonly call_id: string
  readonly name: string
  readonly arguments: string
  /** The item id (`fc_...`) when the call came from the API; then `status` is `completed`. */
  readonly id?: string
  readonly status?: 'completed'
}
/** A function's result, answering the call with the same `call_id`. */
export interface ResponsesFunctionCallOutput {
  readonly type: 'function_call_output'
  readonly call_id: string
  readonly output: string | ResponsesInputText[]
}

/** One item of a Responses API `input` array. */
export type ResponsesInputItem =
  | ResponsesMessage
  | ResponsesOutputMessage
  | ResponsesReasoningItem
  | ResponsesFunctionCall
  | ResponsesFunctionCallOutput
