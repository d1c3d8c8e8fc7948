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
export type { ContextOptions, ContextReport, ContextResult, ContextSummary, Relevance } from './context.js'
export { fromOpenAIMessages } from './from-openai.js'
export {
  type AppendOptions,
  type AppendResult,
  createHistory,
  type HistoryModule,
  type HistoryPage,
  type ListOptions,
  MAX_PAGE,
} from './history.js'
export {
  type ContentPart,
  contentText,
  type HistoryMessage,
  type HistoryRole,
  type ImagePart,
  type JsonObject,
  type MessageInput,
  type TextPart,
  type ToolCall,
} from './message.js'
export {
  type OpenAIContentPart,
  type OpenAIMessage,
  type OpenAIToolCall,
  toOpenAIMessages,
} from './openai.js'
export { type HistoryOptions, type HistoryOptionsInput, parseHistoryOptions } from './options.js'
export { type SelectContextOptions, type Selection, selectContext } from './select-context.js'
export { computeHistoryStats, type HistoryStats, type HistoryStatsOptions, type TopicCount } from './stats.js'
export { extractiveSummary, type HistorySummary, type Summarizer } from './summary.js'
export type { SummaryCounts } from './summary-store.js'
export {
  countMessageTokens,
  estimateTokens,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  type Tokenizer,
} from './tokens.js'
export {
  type CheckToolPairsOptions,
  checkToolPairs,
  DEFAULT_TOOL_PLACEHOLDER,
  type ToolPairReport,
} from './tool-pairs.js'
