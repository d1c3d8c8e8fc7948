export {
  type ContentPart,
  contentText,
  type HistoryRole,
  type ImagePart,
  type JsonObject,
  type MessageInput,
  type TextPart,
  type ToolCall,
} from './model.js'
export {
  countMessageTokens,
  estimateTokens,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  type Tokenizer,
} from './tokens.js'
