export { fromModelMessages, toModelMessages } from './ai-sdk.js'
export type {
  AiAssistantMessage,
  AiFilePart,
  AiImagePart,
  AiModelMessage,
  AiProviderOptions,
  AiReasoningPart,
  AiSystemMessage,
  AiTextPart,
  AiToolCallPart,
  AiToolMessage,
  AiToolResultOutput,
  AiToolResultPart,
  AiUserMessage,
} from './ai-sdk-types.js'
export { fromAnthropicMessages, type ToAnthropicOptions, toAnthropicMessages } from './anthropic.js'
export type {
  AnthropicBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicPayload,
  AnthropicRedactedThinkingBlock,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic-types.js'
export type { FormatNote, FormatNoteKind, FormatOptions } from './notes.js'
export { fromOpenAIMessages, type ToOpenAIOptions, toOpenAIMessages } from './openai-chat.js'
export type {
  OpenAIAssistantMessage,
  OpenAIContentPart,
  OpenAIDeveloperMessage,
  OpenAIFilePart,
  OpenAIImagePart,
  OpenAIMessage,
  OpenAIRefusalPart,
  OpenAISystemMessage,
  OpenAITextPart,
  OpenAIToolCall,
  OpenAIToolMessage,
  OpenAIUserMessage,
} from './openai-chat-types.js'
export { fromResponsesInput, type ToResponsesOptions, toResponsesInput } from './openai-responses.js'
export type {
  ResponsesFunctionCall,
  ResponsesFunctionCallOutput,
  ResponsesInputContent,
  ResponsesInputFile,
  ResponsesInputImage,
  ResponsesInputItem,
  ResponsesInputText,
  ResponsesMessage,
  ResponsesOutputMessage,
  ResponsesOutputText,
  ResponsesReasoningItem,
  ResponsesRefusal,
} from './openai-responses-types.js'
