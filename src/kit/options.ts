import { z } from 'zod'
import type { Clock } from '../clock.js'
import { type DetectorOptionsInput, parseDetectorOptions } from '../detect/options.js'
import { invalidConfig } from '../errors.js'
import { type HistoryOptions, type HistoryOptionsInput, parseHistoryOptions } from '../history/options.js'
import { type LimitsOptionsInput, parseLimitsOptions, type ResolvedLimitsOptions } from '../limits/options.js'
import { firstOptionIssue } from '../options.js'
import type { CartOptions } from '../profile/cart.js'
import type { CasPolicy } from '../profile/cas.js'
import type { PreferencesOptions } from '../profile/preferences.js'
import type { ResponseCacheOptions } from '../profile/response-cache.js'
import { isStandardSchema, type StandardSchema } from '../profile/standard-schema.js'
import type { StateOptions } from '../profile/state.js'
import { parseSeenOptions, type SeenOptions, type SeenOptionsInput } from '../seen/options.js'
import type { JsonValue, SessionStore } from '../store/contract.js'

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
    /** Sliding expiry: a session ends this long after its last activity [30 minutes]. */
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
   * listing a session under a user at `users.maxSessions`.
   */
  readonly concurrency?: Partial<CasPolicy>
  /** Seen items: penalty policy, caps, user level (see the Seen items section). */
  readonly seen?: SeenOptionsInput
  /** Conversation history: caps, TTL, message limits (see the Conversation history section). */
  readonly history?: HistoryOptionsInput
  /** Session detection for `kit.detect()` (see the gateway section). */
  readonly detect?: DetectorOptionsInput
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
  readonly seen: SeenOptions
  readonly history: HistoryOptions
  /** Checked here, as given: the detector is made from it on the first `kit.detect()`. */
  readonly detect: DetectorOptionsInput | undefined
  readonly limits: ResolvedLimitsOptions | undefined
}

const ms = z
  .number()
  .int()
  .positive()
  .max(10 * 365 * DAY)
const count = z.number().int().positive().max(100_000_000)
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
  maxSessions: count.default(100_000),
  ttl: z.strictObject({ idleMs: ms.default(30 * MINUTE), absoluteMs: ms.optional() }).prefault({}),
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
    })
    .prefault({}),
  // Feature modules check their own options (see their parse functions).
  seen: z.unknown().optional(),
  history: z.unknown().optional(),
  detect: z.unknown().optional(),
  limits: z.unknown().optional(),
})

/** Validates kit options once; `INVALID_CONFIG` names the first bad option. */
export function parseKitOptions(input: unknown): ResolvedKitOptions {
  const parsed = kitSchema.safeParse(input ?? {})
  if (!parsed.success) {
    const { path, message } = firstOptionIssue(parsed.error)
    throw invalidConfig(`createSessionKit option ${path}: ${message}`, {
      option: path,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    })
  }
  const o = parsed.data
  // Checked now so a bad option fails here, not on the first `kit.detect()`.
  parseDetectorOptions(o.detect)
  if (o.ttl.absoluteMs !== undefined && o.ttl.absoluteMs < o.ttl.idleMs) {
    throw invalidConfig('createSessionKit option ttl.absoluteMs must be at least ttl.idleMs', {
      option: 'ttl.absoluteMs',
    })
  }
  return {
    store: o.store,
    clock: o.clock,
    maxSessions: o.maxSessions,
    idleMs: o.ttl.idleMs,
    absoluteMs: o.ttl.absoluteMs ?? Math.max(DAY, o.ttl.idleMs),
    userTtlMs: o.users.ttlMs,
    userMaxSessions: o.users.maxSessions,
    preferences: o.preferences,
    state: { ...o.state, initial: o.state.initial as JsonValue | undefined },
    cart: o.cart,
    cache: o.cache,
    cas: o.concurrency,
    seen: parseSeenOptions(o.seen),
    history: parseHistoryOptions(o.history),
    detect: o.detect as DetectorOptionsInput | undefined,
    limits:
      o.limits === undefined
        ? undefined
        : parseLimitsOptions(o.limits, {
            what: 'createSessionKit option',
            prefix: ['limits'],
            inMemory: o.store?.rateLimits === undefined,
          }),
  }
}
