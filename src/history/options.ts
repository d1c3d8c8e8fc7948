import { z } from 'zod'
import { parseOptions } from '../options.js'
import type { Summarizer } from './summary.js'
import { estimateTokens, type Tokenizer } from './tokens.js'

/**
 * The `history` options of `createSessionKit`. Every field is optional; defaults in brackets.
 *
 * @example
 * createSessionKit({ history: { maxMessages: 500, ttlMs: 2 * 3_600_000, summarize } })
 */
export interface HistoryOptionsInput {
  /** Most messages kept per session; the oldest fall off (counted, and summarised when `summarize` is set) [500]. */
  readonly maxMessages?: number
  /** History expires this long after its last append, sooner than the session when shorter [with the session]. */
  readonly ttlMs?: number
  /** Largest message as JSON, in bytes; larger ones fail with `LIMIT_EXCEEDED` [65_536]. */
  readonly maxMessageBytes?: number
  /** Token counter used by `context()` and `stats()` unless a call brings its own [`estimateTokens`]. */
  readonly tokenizer?: Tokenizer
  /**
   * Summariser for messages about to fall off the cap and for `context()` calls that name none.
   * `'extractive'` uses the built-in fallback alone [none].
   */
  readonly summarize?: Summarizer | 'extractive'
  /** Time limit of one summariser call; past it the extractive fallback is used [10_000]. */
  readonly summarizeTimeoutMs?: number
  /** Longest stored summary, in characters [4_000]. */
  readonly maxSummaryChars?: number
}

/** History options after validation and defaults. Made once per kit by {@link parseHistoryOptions}. */
export interface HistoryOptions {
  readonly maxMessages: number
  readonly ttlMs: number | undefined
  readonly maxMessageBytes: number
  readonly tokenizer: Tokenizer
  readonly summarize: Summarizer | 'extractive' | undefined
  readonly summarizeTimeoutMs: number
  readonly maxSummaryChars: number
  /** Told when the summariser failed and the extractive fallback was stored (the kit counts and warns). */
  readonly onSummaryFailed: ((message: string, cause: unknown) => void) | undefined
}

const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `must be a function ${what}`)

const schema = z.strictObject({
  maxMessages: z.number().int().min(1).max(100_000).default(500),
  ttlMs: z
    .number()
    .int()
    .positive()
    .max(10 * 365 * 86_400_000)
    .optional(),
  maxMessageBytes: z
    .number()
    .int()
    .min(256)
    .max(16 * 1024 * 1024)
    .default(65_536),
  tokenizer: fn<Tokenizer>('(text) => number').optional(),
  summarize: z
    .union([z.literal('extractive'), fn<Summarizer>('(messages, previousSummary, signal) => string')])
    .optional(),
  summarizeTimeoutMs: z.number().int().positive().max(600_000).default(10_000),
  maxSummaryChars: z.number().int().min(100).max(1_000_000).default(4_000),
})

/**
 * Validates the `history` options once, at kit creation. A bad option fails with
 * `INVALID_CONFIG` naming it (`history.maxMessages`).
 *
 * @example
 * const options = parseHistoryOptions({ maxMessages: 200 })
 */
export function parseHistoryOptions(input: unknown): HistoryOptions {
  const o = parseOptions(schema, input ?? {}, { what: 'createSessionKit', code: 'INVALID_CONFIG' }, [
    'history',
  ])
  return {
    maxMessages: o.maxMessages,
    ttlMs: o.ttlMs,
    maxMessageBytes: o.maxMessageBytes,
    tokenizer: o.tokenizer ?? estimateTokens,
    summarize: o.summarize,
    summarizeTimeoutMs: o.summarizeTimeoutMs,
    maxSummaryChars: o.maxSummaryChars,
    onSummaryFailed: undefined,
  }
}
