export type { ContextOptions, ContextReport, ContextResult, ContextSummary, Relevance } from './context.js'
export {
  type AppendOptions,
  type AppendResult,
  createHistory,
  type HistoryModule,
  type HistoryPage,
  type ListOptions,
  MAX_PAGE,
} from './history.js'
export type { HistoryMessage } from './message.js'
export { type HistoryOptions, type HistoryOptionsInput, parseHistoryOptions } from './options.js'
export { type SelectContextOptions, type Selection, selectContext } from './select-context.js'
export { computeHistoryStats, type HistoryStats, type HistoryStatsOptions, type TopicCount } from './stats.js'
export { extractiveSummary, type HistorySummary, type Summarizer } from './summary.js'
export type { SummaryCounts } from './summary-store.js'
export {
  type CheckToolPairsOptions,
  checkToolPairs,
  DEFAULT_TOOL_PLACEHOLDER,
  type ToolPairReport,
} from './tool-pairs.js'
