// Seen items: exposure tracking, decaying penalties, attribute discounts, re-ranking.
export type { SeenMarkOptions } from './mark-input.js'
export {
  parseSeenOptions,
  type SeenOptions,
  type SeenOptionsInput,
  type SeenUserStorageInput,
} from './options.js'
export { SEEN_DEFAULTS } from './policy.js'
export type {
  ResolvedSeenPolicy,
  SeenAttributeInput,
  SeenCapInput,
  SeenDecayPolicyInput,
  SeenFlatPolicyInput,
  SeenNonePolicyInput,
  SeenPolicyInput,
  SeenUserLevelInput,
} from './policy-types.js'
export { type RerankResult, rerank } from './rerank.js'
export type { RerankCandidate, RerankOptions } from './rerank-input.js'
export { createSeen, type SeenMarkResult, type SeenModule, type SeenViewOptions } from './seen-module.js'
export { attributeOverlap } from './similarity.js'
export type { ScoreArray, SeenExplanation, SeenLevelFacts, SeenPartFacts, SeenView } from './view-types.js'
