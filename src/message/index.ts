export { IMAGE_MEDIA_TYPES, type ImageMediaType } from './media.js'
export {
  type ContentPart,
  contentText,
  type FilePart,
  type HistoryRole,
  type ImageDetail,
  type ImagePart,
  type JsonObject,
  type MessageInput,
  type ReasoningPart,
  type RefusalPart,
  type TextPart,
  type ToolCall,
} from './model.js'
export {
  countMessageTokens,
  estimateTokens,
  FILE_TOKENS,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  type Tokenizer,
} from './tokens.js'
export { argumentsText, parseToolArguments } from './tool-arguments.js'
