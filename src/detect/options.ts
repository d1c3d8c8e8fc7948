import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { type Clock, systemClock } from '../clock.js'
import { isMetricsMeter, type MetricsMeter } from '../metrics/otel.js'
import { type OptionSource, optionError, zodOptionError } from '../options.js'
import type { WarningHandler } from '../warnings.js'
import {
  defaultIgnoredKeys,
  defaultMessageKeys,
  defaultResetPhrases,
  defaultVolatilePatterns,
} from './defaults.js'
import { type DetectorHash, sha256Hash } from './hash.js'
import type { DetectionIndex } from './shared-index.js'

/**
 * Options of `createDetector`. Every field is optional.
 *
 * @example
 * createDetector({ maxSessions: 50_000, idleMs: 2 * 3_600_000, reset: { mode: 'annotate' } })
 */
export interface DetectorOptionsInput {
  /** Most live sessions; past it the least recently used goes. Default 10,000. */
  readonly maxSessions?: number
  /** A session unseen this long is dropped. Above 0, at most 10 years; default 3,600,000 (1 hour). */
  readonly idleMs?: number
  /** Where time comes from (idle expiry, retry window). Default the system clock. */
  readonly clock?: Clock
  /**
   * How many messages back an exact probe may reach: a request's last answer further back than
   * this is left to fuzzy matching. Default 16.
   */
  readonly maxProbe?: number
  /**
   * Most index keys (prefix hashes) a session keeps; its oldest go first. Each session slot
   * reserves 4 bytes per key for its ring (256 bytes at the default). 4 to 1,024; default 64.
   */
  readonly maxKeysPerSession?: number
  /**
   * How long after an unanswered first request the same first request counts as a retry rather
   * than another user's identical opening. 0 to 86,400,000 (a day); default 120,000 (2 minutes).
   */
  readonly retryWindowMs?: number
  /** Reset phrases ("start over"), or `false` to ignore them. Default `{ mode: 'split' }`. */
  readonly reset?: false | ResetOptionsInput
  /** Fuzzy matching after an exact miss, or `false` to turn it off. Default on (threshold 0.5). */
  readonly fuzzy?: false | FuzzyOptionsInput
  /** Keys dropped at any depth before hashing. Default `['cache_control']`. */
  readonly ignoredKeys?: readonly string[]
  /** Message fields hashed besides `role` and `content`. Default `function_call`, `name`, `tool_call_id`, `tool_calls`. */
  readonly messageKeys?: readonly string[]
  /** Patterns blanked before hashing (timestamps injected into system prompts). Default `defaultVolatilePatterns`. */
  readonly volatilePatterns?: readonly RegExp[]
  /** Where volatile patterns apply: the system prompt only, or every message. Default `'system'`. */
  readonly volatileScope?: 'system' | 'all'
  /** The hash function. Default SHA-256 (`crypto.hash`), truncated to 128 bits. */
  readonly hash?: DetectorHash
  /**
   * Secret mixed into every prefix hash. Default 16 random bytes per detector; with `index`, the
   * index's seed (the same on every replica), and this one only for the local fallback.
   */
  readonly seed?: string
  /**
   * An OpenTelemetry `Meter` (`@opentelemetry/api`): the detector's metrics are registered on it
   * (see `metrics()`). Default: none.
   */
  readonly meter?: MetricsMeter
  /** Receives `SESSIONKIT_DETECTION_DEGRADED` warnings. Default `process.emitWarning`. */
  readonly onWarning?: WarningHandler
  /**
   * An index shared by every replica of a gateway (`redisDetectionIndex()` from
   * `sessionkit/redis`): `detect()` and `bindReply()` then return promises, and the in-process
   * index only answers while the shared one fails (`degraded: true`). Default: none.
   */
  readonly index?: DetectionIndex
}

/** Option `reset`. */
export interface ResetOptionsInput {
  /** `split`: a reset starts a new session; `annotate`: same session, `kind: 'reset'`. Default `'split'`. */
  readonly mode?: 'split' | 'annotate'
  /** The phrases. Default `defaultResetPhrases`. */
  readonly phrases?: readonly string[]
  /** Longest last user message (characters) checked for a phrase. Default 120. */
  readonly maxChars?: number
}

/** Option `fuzzy`. */
export interface FuzzyOptionsInput {
  /** Least similarity (0 to 1) that places a request in a session. Default 0.5. */
  readonly threshold?: number
  /** Assistant-message fingerprints kept per session and compared. Default 16. */
  readonly window?: number
  /** Most messages inserted or dropped between two matches (the band of the edit distance). Default 8. */
  readonly band?: number
  /** Most candidate sessions compared per request. Default 4. */
  readonly maxCandidates?: number
}

/** The options after validation and defaults. */
export interface DetectorOptions {
  readonly maxSessions: number
  readonly idleMs: number
  readonly clock: Clock
  readonly maxProbe: number
  readonly maxKeysPerSession: number
  readonly retryWindowMs: number
  readonly reset:
    | { readonly mode: 'split' | 'annotate'; readonly phrases: readonly string[]; readonly maxChars: number }
    | undefined
  readonly fuzzy:
    | {
        readonly threshold: number
        readonly window: number
        readonly band: number
        readonly maxCandidates: number
      }
    | undefined
  readonly ignoredKeys: readonly string[]
  readonly messageKeys: readonly string[]
  readonly volatilePatterns: readonly RegExp[]
  readonly volatileScope: 'system' | 'all'
  readonly hash: DetectorHash
  readonly seed: string
  readonly meter: MetricsMeter | undefined
  readonly onWarning: WarningHandler | undefined
  readonly index: DetectionIndex | undefined
}

const DAY = 86_400_000
const keyList = z.array(z.string().min(1).max(128)).max(64)
const schema = z.strictObject({
  maxSessions: z.number().int().min(1).max(10_000_000).default(10_000),
  idleMs: z
    .number()
    .positive()
    .max(10 * 365 * DAY)
    .default(3_600_000),
  clock: z
    .custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function', 'must be { now(): number }')
    .optional(),
  maxProbe: z.number().int().min(1).max(256).default(16),
  maxKeysPerSession: z.number().int().min(4).max(1024).default(64),
  retryWindowMs: z.number().min(0).max(DAY).default(120_000),
  reset: z
    .strictObject({
      mode: z.enum(['split', 'annotate']).default('split'),
      phrases: z
        .array(z.string().trim().min(1).max(64))
        .max(256)
        .default([...defaultResetPhrases]),
      maxChars: z.number().int().min(1).max(10_000).default(120),
    })
    .default({ mode: 'split', phrases: [...defaultResetPhrases], maxChars: 120 }),
  fuzzy: z
    .strictObject({
      threshold: z.number().min(0).max(1).default(0.5),
      window: z.number().int().min(2).max(256).default(16),
      band: z.number().int().min(0).max(64).default(8),
      maxCandidates: z.number().int().min(1).max(64).default(4),
    })
    .default({ threshold: 0.5, window: 16, band: 8, maxCandidates: 4 }),
  ignoredKeys: keyList.default([...defaultIgnoredKeys]),
  messageKeys: keyList.default([...defaultMessageKeys]),
  volatilePatterns: z
    .array(z.instanceof(RegExp))
    .max(64)
    .default([...defaultVolatilePatterns]),
  volatileScope: z.enum(['system', 'all']).default('system'),
  hash: z
    .custom<DetectorHash>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as DetectorHash).create === 'function' &&
        typeof (v as DetectorHash).digest === 'function',
      'must be { create(), digest(data) }',
    )
    .optional(),
  seed: z.string().min(1).max(256).optional(),
  meter: z.custom<MetricsMeter>(isMetricsMeter, 'must be an OpenTelemetry Meter').optional(),
  onWarning: z.custom<WarningHandler>((v) => typeof v === 'function', 'must be a function').optional(),
  index: z
    .custom<DetectionIndex>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        typeof (v as DetectionIndex).place === 'function' &&
        typeof (v as DetectionIndex).seed === 'function',
      'must be a detection index, such as redisDetectionIndex({ client }) from sessionkit/redis',
    )
    .optional(),
})

/**
 * Validates the options of `createDetector` once. Throws `INVALID_CONFIG` naming the option
 * (`fuzzy.threshold`, `maxSessions`, ...).
 *
 * @example
 * const options = parseDetectorOptions({ maxSessions: 1_000 })
 */
export function parseDetectorOptions(input: unknown): DetectorOptions {
  return parseDetectorOptionsAt(input, [])
}

/** {@link parseDetectorOptions} for options found at `prefix` of a bigger object (the kit's `detect`). */
export function parseDetectorOptionsAt(input: unknown, prefix: readonly string[]): DetectorOptions {
  const source: OptionSource = {
    what: prefix.length === 0 ? 'createDetector' : 'createSessionKit',
    code: 'INVALID_CONFIG',
  }
  const given = input ?? {}
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw optionError(source, prefix.join('.') || 'options', 'must be an object (or nothing)')
  }
  // `false` turns a feature off; kept out of the schema so that errors name the nested option.
  const { reset, fuzzy } = given as { reset?: unknown; fuzzy?: unknown }
  const parsed = schema.safeParse({
    ...given,
    reset: reset === false ? undefined : reset,
    fuzzy: fuzzy === false ? undefined : fuzzy,
  })
  if (!parsed.success) throw zodOptionError(source, schema, parsed.error, given, prefix)
  const o = parsed.data
  const messageKeys = [...new Set(o.messageKeys.filter((k) => k !== 'role' && k !== 'content'))].sort()
  return {
    maxSessions: o.maxSessions,
    idleMs: o.idleMs,
    clock: o.clock ?? systemClock,
    maxProbe: o.maxProbe,
    maxKeysPerSession: o.maxKeysPerSession,
    retryWindowMs: o.retryWindowMs,
    reset: reset === false ? undefined : o.reset,
    fuzzy: fuzzy === false ? undefined : o.fuzzy,
    ignoredKeys: o.ignoredKeys,
    messageKeys,
    // replace() blanks every match only with the global flag, and skips matches with the sticky one.
    volatilePatterns: o.volatilePatterns.map((p) =>
      p.global && !p.sticky ? p : new RegExp(p.source, `${p.flags.replace(/[gy]/g, '')}g`),
    ),
    volatileScope: o.volatileScope,
    hash: o.hash ?? sha256Hash,
    seed: o.seed ?? randomBytes(16).toString('base64'),
    meter: o.meter,
    onWarning: o.onWarning,
    index: o.index,
  }
}
