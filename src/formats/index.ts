export {
  type AnthropicBlock,
  type AnthropicImageBlock,
  type AnthropicMessage,
  type AnthropicPayload,
  type AnthropicTextBlock,
  type AnthropicToolResultBlock,
  type AnthropicToolUseBlock,
  type ToAnthropicOptions,
  toAnthropicMessages,
} from './anthropic.js'
export { fromOpenAIMessages } from './from-openai-chat.js'
export {
  type OpenAIContentPart,
  type OpenAIMessage,
  type OpenAIToolCall,
  toOpenAIMessages,
} from './openai-chat.js'
