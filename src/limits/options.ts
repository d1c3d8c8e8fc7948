import { z } from 'zod'
import type { Clock } from '../clock.js'
import type { MetricsMeter } from '../metrics/otel.js'
import { type OptionSource, optionError, parseOptions } from '../options.js'
import type { SessionStore } from '../store/contract.js'
import type { WarningHandler } from '../warnings.js'
import { ringCapacityFor } from './entry-pool.js'
import { ENTRY_BYTES } from './memory-sizes.js'
import {
  BUILT_IN_KINDS,
  type CompiledRule,
  KIND_PATTERN,
  MAX_AMOUNT,
  NAME_PATTERN,
  type RateRule,
} from './rules.js'

/**
 * Bounds of the state a limiter keeps in process memory (when its store keeps none).
 *
 * @example
 * createRateLimiter({ rules, memory: { maxKeys: 50_000, maxBytes: 32 * 1024 * 1024 } })
 */
export interface LimiterMemoryOptions {
  /** Most rule states held, one per rule and subject (session, user, tenant ...); the least recently used go first [100_000]. */
  readonly maxKeys?: number
  /** Most bytes of state (log pages as held, and an estimate per state); the least recently used go first [64 MiB]. */
  readonly maxBytes?: number
}

/**
 * The kit option `limits`: the rules every session's `session.limits` applies.
 *
 * @example
 * createSessionKit({ limits: { rules: [{ name: 'requests', per: 'session', limit: 60, windowMs: 60_000 }] } })
 */
export interface LimitsOptionsInput {
  readonly rules: readonly RateRule[]
  readonly memory?: LimiterMemoryOptions
  /**
   * Keep the windows in this process's memory although the store is shared by several processes
   * and keeps no rate-limit state (a store without `rateLimits`): each process then counts alone, so N
   * processes admit up to N times each limit. Without it such a store is refused at construction
   * (`INVALID_CONFIG` naming this option), so per-process limits are never a surprise [false].
   */
  readonly perProcess?: boolean
}

/**
 * Options of `createRateLimiter`.
 *
 * @example
 * createRateLimiter({ store, rules: [{ name: 'requests', per: 'tenant', limit: 600, windowMs: 60_000 }] })
 */
export interface RateLimiterOptions extends LimitsOptionsInput {
  /** Where the state lives: a store that offers `rateLimits` (Redis, Postgres) keeps it; otherwise process memory [memory]. */
  readonly store?: SessionStore
  /** Time source [the store's clock, else `systemClock`]. */
  readonly clock?: Clock
  /** Receives `SESSIONKIT_RATE_LIMIT_STORE_FAILED`, at most once a minute [`process.emitWarning`]. */
  readonly onWarning?: WarningHandler
  /** An OpenTelemetry `Meter` (`@opentelemetry/api`): the limiter's metrics are registered on it [none]. */
  readonly meter?: MetricsMeter
}

/** Limiter options after validation. */
export interface ResolvedLimitsOptions {
  readonly rules: readonly CompiledRule[]
  readonly maxKeys: number
  readonly maxBytes: number
}

const DAY = 86_400_000
const amount = z.number().int().min(1).max(MAX_AMOUNT)
// Names become keys of the caller's subjects and costs objects: none may be one every object inherits.
const name = (pattern: RegExp, shape: string) =>
  z
    .string()
    .regex(pattern, `must be ${shape}`)
    .refine(
      (n) => !(n in Object.prototype),
      'must not be a name every object has (constructor, toString, ...)',
    )
const ruleName = name(NAME_PATTERN, 'a lower-case letter, then up to 63 of A-Z a-z 0-9 _ -')
const base = {
  name: ruleName,
  per: name(KIND_PATTERN, 'a lower-case letter, then up to 31 of a-z 0-9 _ -'),
  cost: ruleName.optional(),
  onStoreError: z.enum(['allow', 'deny']).default('deny'),
  limit: amount,
  windowMs: z
    .number()
    .int()
    .min(1)
    .max(366 * DAY),
}
const ruleSchema = z.discriminatedUnion(
  'algorithm',
  [
    z.strictObject({ ...base, algorithm: z.literal('sliding-window').default('sliding-window') }),
    z.strictObject({ ...base, algorithm: z.literal('token-bucket'), burst: amount.optional() }),
  ],
  { error: "algorithm must be 'sliding-window' (the default) or 'token-bucket'" },
)
const schema = z.strictObject({
  rules: z.array(ruleSchema).min(1).max(64),
  memory: z
    .strictObject({
      maxKeys: z.number().int().min(1).max(100_000_000).default(100_000),
      maxBytes: z
        .number()
        .int()
        .min(1 << 16)
        .max(2 ** 40)
        .default(64 * 1024 * 1024),
    })
    .prefault({}),
  perProcess: z.boolean().default(false),
})

/** Who is parsing, for the messages: `createRateLimiter option "rules.0.limit"`, `createSessionKit option "limits.rules.0.limit"`. */
export interface OptionsSource {
  /** The factory: `createRateLimiter` or `createSessionKit`. */
  readonly what: string
  readonly prefix: readonly string[]
  /** The state will live in process memory, so a sliding window's worst-case log must fit in `memory.maxBytes`. */
  readonly inMemory: boolean
  /** The store is shared by several processes (`capabilities.atomicity: 'shared'`) but keeps no rate-limit state. */
  readonly sharedStoreWithoutLimits?: boolean
}

/**
 * Checks limiter options once, at construction: `INVALID_CONFIG` naming the option (unique names,
 * ranges, a sliding window whose log could not fit in `memory.maxBytes`, a shared store that keeps
 * no rate-limit state without `perProcess`).
 *
 * @example
 * const { rules } = parseLimitsOptions({ rules: [{ name: 'requests', per: 'session', limit: 60, windowMs: 60_000 }] })
 */
export function parseLimitsOptions(
  input: unknown,
  source: OptionsSource = { what: 'createRateLimiter', prefix: [], inMemory: true },
): ResolvedLimitsOptions {
  const errors: OptionSource = { what: source.what, code: 'INVALID_CONFIG' }
  const { rules, memory, perProcess } = parseOptions(schema, input, errors, source.prefix)
  const fail = (path: string, message: string) => optionError(errors, path, message)
  if (source.sharedStoreWithoutLimits === true && !perProcess) {
    throw fail(
      [...source.prefix, 'perProcess'].join('.'),
      'is needed with this store: it is shared by several processes but keeps no rate-limit state, so each process would count alone and N processes would admit up to N times each limit. Keep the limits on a store that keeps them (a Redis or Postgres store: createRateLimiter({ store: redisStore, rules })), or set perProcess: true to accept per-process windows',
    )
  }
  const names = new Set<string>()
  const compiled = rules.map((rule, i): CompiledRule => {
    const at = [...source.prefix, 'rules', String(i)].join('.')
    if (names.has(rule.name))
      throw fail(`${at}.name`, `"${rule.name}" is used by an earlier rule; names are unique`)
    names.add(rule.name)
    const burst = rule.algorithm === 'token-bucket' ? (rule.burst ?? rule.limit) : rule.limit
    // A log holds at most one entry per unit of cost, in a ring of the next size up: its worst
    // case must fit in memory.
    if (
      source.inMemory &&
      rule.algorithm === 'sliding-window' &&
      ringCapacityFor(rule.limit) * ENTRY_BYTES > memory.maxBytes
    ) {
      throw fail(
        `${at}.limit`,
        `a window of ${rule.limit} may log ${rule.limit} entries, in a ring of ${ringCapacityFor(rule.limit)} (${ENTRY_BYTES} bytes each), more than memory.maxBytes; raise memory.maxBytes or use a token bucket`,
      )
    }
    return {
      name: rule.name,
      per: rule.per,
      cost: rule.cost ?? rule.name,
      onStoreError: rule.onStoreError,
      algorithm: rule.algorithm,
      limit: rule.limit,
      windowMs: rule.windowMs,
      burst,
    }
  })
  return { rules: compiled, maxKeys: memory.maxKeys, maxBytes: memory.maxBytes }
}

/** Every subject kind a `consume` may name: the built-in ones and those the rules use. */
export function knownKinds(rules: readonly CompiledRule[]): ReadonlySet<string> {
  return new Set([...BUILT_IN_KINDS, ...rules.map((rule) => rule.per)])
}
