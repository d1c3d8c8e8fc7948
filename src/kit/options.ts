import { z } from 'zod'
import type { Clock } from '../clock.js'
import { type DetectorOptionsInput, parseDetectorOptionsAt } from '../detect/options.js'
import { type HistoryOptions, type HistoryOptionsInput, parseHistoryOptions } from '../history/options.js'
import { type LimitsOptionsInput, parseLimitsOptions, type ResolvedLimitsOptions } from '../limits/options.js'
import { isMetricsMeter, type MetricsMeter } from '../metrics/otel.js'
import { type OptionSource, optionError, parseOptions } from '../options.js'
import type { CartOptions } from '../profile/cart.js'
import { DEFAULT_MAX_UNIT_PRICE } from '../profile/cart-line.js'
import type { CasPolicy } from '../profile/cas.js'
import type { PreferencesOptions } from '../profile/preferences.js'
import type { ResponseCacheOptions } from '../profile/response-cache.js'
import { isStandardSchema, type StandardSchema } from '../profile/standard-schema.js'
import type { StateOptions } from '../profile/state.js'
import { parseSeenOptions, type SeenOptions, type SeenOptionsInput } from '../seen/options.js'
import type { JsonValue, SessionStore } from '../store/contract.js'
import { MAX_RECORDS } from '../store/memory-options.js'
import { deepFreeze } from '../util/deep-freeze.js'
import { checkJson } from '../util/json.js'
import type { WarningHandler } from '../warnings.js'
import type { KitCounters } from './core.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/**
 * Options of `createSessionKit`. Every field is optional; defaults are in brackets.
 *
 * @example
 * createSessionKit({ ttl: { idleMs: 30 * 60_000, absoluteMs: 24 * 3_600_000 }, preferences: { schema } })
 */
export interface SessionKitOptions<P = Record<string, JsonValue>, S = JsonValue> {
  /** Where sessions live [a new `createMemoryStore({ maxSessions, clock })`]. */
  readonly store?: SessionStore
  /** Time source for the default memory store [`systemClock`]; a given store brings its own. */
  readonly clock?: Clock
  /** Cap of the default memory store [100_000]. */
  readonly maxSessions?: number
  readonly ttl?: {
    /**
     * Sliding expiry: a session ends this long after its last activity [30 minutes, or
     * `absoluteMs` when that is shorter].
     */
    readonly idleMs?: number
    /**
     * Absolute lifetime from creation (or from the rotation at login), whatever the activity
     * [24 hours, or `idleMs` when that is longer]. An ended id's tombstone lasts as long, so an
     * id is never issued twice while it could still be live.
     */
    readonly absoluteMs?: number
  }
  /** The user scope that lists a user's sessions across devices. */
  readonly users?: {
    /** How long a user record outlives its last activity [30 days]. */
    readonly ttlMs?: number
    /** Most live sessions per user; the oldest is ended past it [20]. */
    readonly maxSessions?: number
  }
  readonly preferences?: {
    /** Any Standard Schema (zod 4, valibot, ...) [any JSON object]. */
    readonly schema?: StandardSchema<P>
    /** Largest stored size [16 KiB]. */
    readonly maxBytes?: number
  }
  readonly state?: {
    /** Any Standard Schema [any JSON]. */
    readonly schema?: StandardSchema<S>
    /** The state before the first write [undefined]. */
    readonly initial?: S
    /** Largest stored size [64 KiB]. */
    readonly maxBytes?: number
  }
  readonly cart?: Partial<CartOptions>
  /** The per-session response cache: `maxEntries` [100], `ttlMs` [10 minutes], `maxBytes` [64 KiB]. */
  readonly cache?: Partial<ResponseCacheOptions>
  /**
   * Retries of preferences, state and cart updates, of writes to a full response cache and of
   * listing a session under a user at `users.maxSessions` [`maxRetries` 100, `maxBackoffMs` 50];
   * and `queueTimeoutMs`, the longest an update waits behind earlier updates of the same session
   * part in this process before it fails with `STORE_UNAVAILABLE`, having written nothing [the
   * store's `commandTimeoutMs`, else 2000].
   */
  readonly concurrency?: Partial<CasPolicy> & { readonly queueTimeoutMs?: number }
  /** Seen items: penalty policy, caps, user level (see the Seen items section). */
  readonly seen?: SeenOptionsInput
  /** Conversation history: caps, TTL, message limits (see the Conversation history section). */
  readonly history?: HistoryOptionsInput
  /** Session detection for `kit.detect()` (see the gateway section). */
  readonly detect?: DetectorOptionsInput
  /**
   * Receives every warning of the kit, its default memory store and its detector, each with a
   * stable code (`SESSIONKIT_LISTENER_FAILED`, `SESSIONKIT_SUMMARY_FAILED`, ...) [`process.emitWarning`].
   */
  readonly onWarning?: WarningHandler
  /**
   * An OpenTelemetry `Meter` (`@opentelemetry/api`): the kit's metrics, and its detector's, are
   * registered on it (see `kit.metrics()`) [none].
   */
  readonly meter?: MetricsMeter
  /** Rate limits and quotas for `session.limits` and `kit.limits` (see docs/rate-limits.md) [no rules]. */
  readonly limits?: LimitsOptionsInput
}

/** Options after validation and defaults: what the kit runs on. */
export interface ResolvedKitOptions {
  readonly store: SessionStore | undefined
  readonly clock: Clock | undefined
  readonly maxSessions: number
  readonly idleMs: number
  readonly absoluteMs: number
  readonly userTtlMs: number
  readonly userMaxSessions: number
  readonly preferences: PreferencesOptions
  readonly state: StateOptions
  readonly cart: CartOptions
  readonly cache: ResponseCacheOptions
  readonly cas: CasPolicy
  /** `concurrency.queueTimeoutMs` as given; the kit falls back to the store's timeout. */
  readonly queueTimeoutMs: number | undefined
  readonly seen: SeenOptions
  readonly history: HistoryOptions
  /** Checked here, as given: the detector is made from it on the first `kit.detect()`. */
  readonly detect: DetectorOptionsInput | undefined
  readonly onWarning: WarningHandler | undefined
  readonly meter: MetricsMeter | undefined
  readonly limits: ResolvedLimitsOptions | undefined
}

const ms = z
  .number()
  .int()
  .positive()
  .max(10 * 365 * DAY)
const count = z.number().int().positive().max(100_000_000)
const DEFAULT_IDLE_MS = 30 * MINUTE
const schema = z.custom<StandardSchema>(isStandardSchema, 'must be a Standard Schema (zod 4, valibot, ...)')
const store = z.custom<SessionStore>(
  (v) => typeof v === 'object' && v !== null && typeof (v as SessionStore).meta === 'function',
  'must be a SessionStore (createMemoryStore() or createRedisStore())',
)
const clock = z.custom<Clock>(
  (v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function',
  'must have a now() method',
)

// `prefault({})`: a missing group is parsed as `{}`, so each default is stated once, on its field.
const kitSchema = z.strictObject({
  store: store.optional(),
  clock: clock.optional(),
  maxSessions: z.number().int().min(1).max(MAX_RECORDS).default(100_000),
  ttl: z.strictObject({ idleMs: ms.optional(), absoluteMs: ms.optional() }).prefault({}),
  users: z
    .strictObject({ ttlMs: ms.default(30 * DAY), maxSessions: z.number().int().min(1).max(1000).default(20) })
    .prefault({}),
  preferences: z
    .strictObject({ schema: schema.optional(), maxBytes: count.max(1 << 20).default(16_384) })
    .prefault({}),
  state: z
    .strictObject({
      schema: schema.optional(),
      initial: z.unknown().optional(),
      maxBytes: count.max(1 << 20).default(65_536),
    })
    .prefault({}),
  cart: z
    .strictObject({
      maxLines: z.number().int().min(1).max(10_000).default(100),
      maxQuantity: z.number().int().min(1).max(1_000_000).default(999),
      maxUnitPrice: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(DEFAULT_MAX_UNIT_PRICE),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
        .default('USD'),
    })
    .prefault({}),
  cache: z
    .strictObject({
      maxEntries: z.number().int().min(1).max(10_000).default(100),
      ttlMs: ms.default(10 * MINUTE),
      maxBytes: count.max(1 << 20).default(65_536),
    })
    .prefault({}),
  concurrency: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(1000).default(100),
      maxBackoffMs: z.number().min(0).max(10_000).default(50),
      queueTimeoutMs: z.number().int().min(1).max(600_000).optional(),
    })
    .prefault({}),
  // Feature modules check their own options (see their parse functions).
  seen: z.unknown().optional(),
  history: z.unknown().optional(),
  detect: z.unknown().optional(),
  onWarning: z.custom<WarningHandler>((v) => typeof v === 'function', 'must be a function').optional(),
  meter: z.custom<MetricsMeter>(isMetricsMeter, 'must be an OpenTelemetry Meter').optional(),
  limits: z.unknown().optional(),
})

const source: OptionSource = { what: 'createSessionKit', code: 'INVALID_CONFIG' }

/** Validates kit options once; `INVALID_CONFIG` names the first bad option. */
export function parseKitOptions(input: unknown): ResolvedKitOptions {
  const o = parseOptions(kitSchema, input ?? {}, source)
  // Checked now so a bad option fails here, not on the first `kit.detect()`.
  parseDetectorOptionsAt(o.detect, ['detect'])
  const idleMs = idleMsOf(o.ttl)
  return {
    store: o.store,
    clock: o.clock,
    maxSessions: o.maxSessions,
    idleMs,
    absoluteMs: o.ttl.absoluteMs ?? Math.max(DAY, idleMs),
    userTtlMs: o.users.ttlMs,
    userMaxSessions: o.users.maxSessions,
    preferences: o.preferences,
    state: { ...o.state, initial: frozenInitial(o.state.initial, o.state.maxBytes) },
    cart: checkCartTotals(o.cart),
    cache: o.cache,
    cas: { maxRetries: o.concurrency.maxRetries, maxBackoffMs: o.concurrency.maxBackoffMs },
    queueTimeoutMs: o.concurrency.queueTimeoutMs,
    seen: parseSeenOptions(o.seen),
    history: parseHistoryOptions(o.history),
    detect: o.detect as DetectorOptionsInput | undefined,
    onWarning: o.onWarning,
    meter: o.meter,
    limits:
      o.limits === undefined
        ? undefined
        : parseLimitsOptions(o.limits, {
            what: 'createSessionKit',
            prefix: ['limits'],
            inMemory: o.store?.rateLimits === undefined,
            sharedStoreWithoutLimits:
              o.store?.rateLimits === undefined && o.store?.capabilities?.atomicity === 'shared',
          }),
  }
}

/**
 * The idle expiry: as given, else 30 minutes, or the absolute lifetime when that is shorter (a
 * session then simply ends at its absolute end). Given explicitly and longer than the absolute
 * lifetime, it could never apply: refused, saying so.
 */
function idleMsOf(ttl: {
  readonly idleMs?: number | undefined
  readonly absoluteMs?: number | undefined
}): number {
  const { idleMs, absoluteMs } = ttl
  if (idleMs === undefined) return Math.min(DEFAULT_IDLE_MS, absoluteMs ?? DEFAULT_IDLE_MS)
  if (absoluteMs !== undefined && absoluteMs < idleMs) {
    throw optionError(
      source,
      'ttl.absoluteMs',
      `(${absoluteMs} ms) is shorter than ttl.idleMs (${idleMs} ms), so the idle expiry could never apply; lower ttl.idleMs to at most ${absoluteMs} or raise ttl.absoluteMs`,
    )
  }
  return idleMs
}

/** `state.initial` checked as JSON and kept as a frozen copy, so no updater can change it for every session. */
function frozenInitial(initial: unknown, maxBytes: number): JsonValue | undefined {
  if (initial === undefined) return undefined
  try {
    return deepFreeze(JSON.parse(checkJson(initial, { maxBytes }, 'state.initial')) as JsonValue)
  } catch (error) {
    throw optionError(
      source,
      'state.initial',
      `must be JSON of at most state.maxBytes: ${(error as Error).message}`,
    )
  }
}

/** A cart's largest subtotal must be an exact integer: maxLines * maxQuantity * maxUnitPrice <= 2^53 - 1. */
function checkCartTotals(cart: CartOptions): CartOptions {
  const largest = cart.maxLines * cart.maxQuantity * cart.maxUnitPrice
  if (largest <= Number.MAX_SAFE_INTEGER) return cart
  const fits = Math.floor(Number.MAX_SAFE_INTEGER / (cart.maxLines * cart.maxQuantity))
  throw optionError(
    source,
    'cart.maxUnitPrice',
    `(${cart.maxUnitPrice}) with cart.maxLines (${cart.maxLines}) and cart.maxQuantity (${cart.maxQuantity}) allows a subtotal past 2^53 - 1, which cannot be exact; use at most ${fits}, or lower the other two`,
  )
}

/**
 * The options the kit runs on: `resolved` with the hooks that feed its counters and warnings
 * (a CAS that lost every retry counted; a summariser that failed warned, its count kept by the
 * history module).
 */
export function withCounters(
  resolved: ResolvedKitOptions,
  counters: KitCounters,
  onWarning: WarningHandler,
): ResolvedKitOptions {
  return {
    ...resolved,
    cas: { ...resolved.cas, onExhausted: () => counters.conflicts++ },
    history: {
      ...resolved.history,
      onSummaryFailed: (message, cause) => {
        onWarning({
          code: 'SESSIONKIT_SUMMARY_FAILED',
          message: `${message}; the extractive summary was stored`,
          cause,
        })
      },
    },
  }
}
