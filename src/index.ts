// The public API of 'sessionkit'. Re-exports only, each name listed: test/package/public-surface.test.ts
// pins this list and docs/api.md describes every name. Helpers only tests need stay in their folders.
export { type Clock, createManualClock, type ManualClock, systemClock } from './clock.js'
export {
  type BindInput,
  type ChatMessage,
  createDetector,
  createReplyAssembler,
  type Detection,
  type DetectionIndex,
  type DetectionKind,
  type Detector,
  type DetectorHash,
  type DetectorOptionsInput,
  type DetectorStats,
  type DetectRequest,
  defaultIgnoredKeys,
  defaultMessageKeys,
  defaultResetPhrases,
  defaultVolatilePatterns,
  detectionKinds,
  type FuzzyOptionsInput,
  type HashStream,
  type IndexRules,
  type Percentiles,
  type PlaceInput,
  type PlaceOutcome,
  type ReplyAssembler,
  type ReplyAssemblerOptions,
  type ResetOptionsInput,
  type SharedDetector,
  type SharedDetectorStats,
  sha256Hash,
} from './detect/index.js'
export {
  isSessionKitError,
  SessionKitError,
  type SessionKitErrorCode,
  type SessionKitErrorDetails,
} from './errors.js'
export * from './formats/index.js'
export {
  type AppendOptions,
  type AppendResult,
  type CheckToolPairsOptions,
  type ContextOptions,
  type ContextReport,
  type ContextResult,
  type ContextSummary,
  checkToolPairs,
  DEFAULT_TOOL_PLACEHOLDER,
  type HistoryMessage,
  type HistoryModule,
  type HistoryOptionsInput,
  type HistoryPage,
  type HistoryStats,
  type HistoryStatsOptions,
  type HistorySummary,
  type ListOptions,
  type Relevance,
  type SelectContextOptions,
  type Selection,
  type Summarizer,
  selectContext,
  type ToolPairReport,
  type TopicCount,
} from './history/index.js'
export { assertRecordId, assertSessionId, createSessionId, idDigest, isValidSessionId } from './ids.js'
export type { KitEventName, KitEvents, SessionEvent } from './kit/events.js'
export type { SessionLimits } from './kit/limits.js'
export type { SessionKitOptions } from './kit/options.js'
export type { Session, SessionInfo } from './kit/session.js'
export {
  type AccessOptions,
  type CreateSessionOptions,
  createSessionKit,
  type ErasureReport,
  type GetOrCreateOptions,
  type GetSessionOptions,
  type KitDetection,
  type KitStats,
  type SessionKit,
  type UserData,
  type UserDataOptions,
} from './kit.js'
export {
  type Costs,
  createRateLimiter,
  type LimiterMemoryOptions,
  type LimiterStats,
  type LimitResult,
  type LimitsOptionsInput,
  type RateLimiter,
  type RateLimiterOptions,
  type RateRule,
  type Reservation,
  type RuleResult,
  rateLimitHeaders,
  type SlidingWindowRule,
  type StoreErrorPolicy,
  type Subjects,
  type TokenBucketRule,
} from './limits/index.js'
export * from './message/index.js'
export {
  type HistogramJson,
  type HistogramSample,
  type Metric,
  type MetricDefinition,
  type MetricJson,
  type MetricLabels,
  type MetricsMeter,
  type MetricsSnapshot,
  type MetricType,
  PROMETHEUS_CONTENT_TYPE,
  toMetricsJson,
  toPrometheusText,
  type ValueSample,
} from './metrics/index.js'
export type { Cart, CartOptions, CartTotals } from './profile/cart.js'
export type { CartLine, CartLineInput } from './profile/cart-line.js'
export type { Preferences, PreferencesPatch } from './profile/preferences.js'
export type { CachedResult, ResponseCache, ResponseCacheOptions } from './profile/response-cache.js'
export type { InferOutput, StandardSchema } from './profile/standard-schema.js'
export type { TypedState } from './profile/state.js'
export {
  attributeOverlap,
  type RerankCandidate,
  type RerankOptions,
  type RerankResult,
  rerank,
  type ScoreArray,
  type SeenAttributeInput,
  type SeenCapInput,
  type SeenDecayPolicyInput,
  type SeenExplanation,
  type SeenFlatPolicyInput,
  type SeenLevelFacts,
  type SeenMarkOptions,
  type SeenMarkResult,
  type SeenModule,
  type SeenNonePolicyInput,
  type SeenOptionsInput,
  type SeenPartFacts,
  type SeenPolicyInput,
  type SeenUserLevelInput,
  type SeenUserStorageInput,
  type SeenView,
  type SeenViewOptions,
} from './seen/index.js'
export * from './store/contract.js'
export {
  createMemoryStore,
  type MemorySnapshotCall,
  type MemorySnapshotOptions,
  type MemoryStore,
  type MemoryStoreOptions,
} from './store/memory.js'
export type {
  RateCharge,
  RateFailure,
  RateLimitBackend,
  RateOutcome,
  RateRuleSpec,
  RateSettlement,
} from './store/rate-limit-backend.js'
export {
  emitProcessWarning,
  type SessionKitWarning,
  type SessionKitWarningCode,
  type WarningHandler,
  warningCodes,
} from './warnings.js'
