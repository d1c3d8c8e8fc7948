export {
  defaultIgnoredKeys,
  defaultMessageKeys,
  defaultResetPhrases,
  defaultVolatilePatterns,
} from './defaults.js'
export { createDetector } from './detector.js'
export { type DetectorHash, type HashStream, sha256Hash } from './hash.js'
export {
  type DetectorOptions,
  type DetectorOptionsInput,
  type FuzzyOptionsInput,
  parseDetectorOptions,
  type ResetOptionsInput,
} from './options.js'
export { createReplyAssembler, type ReplyAssembler, type ReplyAssemblerOptions } from './reply-stream.js'
export type { SharedDetector, SharedDetectorStats } from './shared-detector.js'
export type { BindInput, DetectionIndex, IndexRules, PlaceInput, PlaceOutcome } from './shared-index.js'
export {
  type ChatMessage,
  type Detection,
  type DetectionKind,
  type Detector,
  type DetectorStats,
  type DetectRequest,
  detectionKinds,
  type Percentiles,
} from './types.js'
