// The public API of 'sessionkit'. Re-exports only.
export { type Clock, createManualClock, type ManualClock, systemClock } from './clock.js'
export * from './detect/index.js'
export {
  isSessionKitError,
  SessionKitError,
  type SessionKitErrorCode,
  type SessionKitErrorDetails,
} from './errors.js'
export * from './formats/index.js'
export * from './history/index.js'
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
export * from './limits/index.js'
export * from './message/index.js'
export type { Cart, CartOptions, CartTotals } from './profile/cart.js'
export type { CartLine, CartLineInput } from './profile/cart-line.js'
export type { Preferences, PreferencesPatch } from './profile/preferences.js'
export type { CachedResult, ResponseCache, ResponseCacheOptions } from './profile/response-cache.js'
export type { InferOutput, StandardSchema } from './profile/standard-schema.js'
export type { TypedState } from './profile/state.js'
export * from './seen/index.js'
export type { SessionScope } from './session-scope.js'
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
