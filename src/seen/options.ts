import { z } from 'zod'
import { parseOptions } from '../options.js'
import { type ProblemSource, resolveSeenPolicy } from './policy.js'
import type { ResolvedSeenPolicy, SeenPolicyInput } from './policy-types.js'

const DAY = 24 * 3_600_000

/**
 * Kit option `seen`: the default policy and the bounds of what is stored.
 *
 * @example
 * createSessionKit({ seen: { policy: { kind: 'decay', halfLifeMs: 10 * 60_000 }, maxItems: 256 } })
 */
export interface SeenOptionsInput {
  /** The policy `view()` uses when a call names none. Default `{ kind: 'decay' }` (weight 3, half-lives 10 min and 2 generations). */
  readonly policy?: SeenPolicyInput
  /** Most distinct items a view counts per session; older generations past it are ignored. Default 256. */
  readonly maxItems?: number
  /** Most generations (marks) kept per session; the oldest fall off. Default 64. */
  readonly maxGenerations?: number
  /** Most attribute values per item in one mark. Default 16. */
  readonly maxAttributesPerItem?: number
  /**
   * The user level (used when a session has a user): its own bounds and horizon, or `false` to
   * keep exposures per session only. Default `{ ttlMs: 30 days, maxGenerations: 256, maxItems: 1024 }`.
   */
  readonly user?: false | SeenUserStorageInput
}

/**
 * Bounds of the user level (kit option `seen.user`).
 *
 * @example
 * createSessionKit({ seen: { user: { ttlMs: 7 * 86_400_000, maxGenerations: 128 } } })
 */
export interface SeenUserStorageInput {
  /** How long exposures count at the user level. Default 30 days. */
  readonly ttlMs?: number
  /** Most generations kept per user. Default 256. */
  readonly maxGenerations?: number
  /** Most distinct items a view counts from the user level. Default 1024. */
  readonly maxItems?: number
}

/**
 * Kit option `seen` after validation and defaults (what `createSeen` takes).
 *
 * @example
 * const options: SeenOptions = parseSeenOptions({ maxItems: 128 })
 */
export interface SeenOptions {
  readonly policy: ResolvedSeenPolicy
  readonly maxItems: number
  readonly maxGenerations: number
  readonly maxAttributesPerItem: number
  readonly user:
    | { readonly ttlMs: number; readonly maxGenerations: number; readonly maxItems: number }
    | undefined
}

const userDefaults = { ttlMs: 30 * DAY, maxGenerations: 256, maxItems: 1024 }

const optionsSchema = z.strictObject({
  policy: z.unknown().optional(),
  maxItems: z.number().int().min(1).max(100_000).default(256),
  maxGenerations: z.number().int().min(1).max(10_000).default(64),
  maxAttributesPerItem: z.number().int().min(0).max(256).default(16),
  user: z
    .union([
      z.literal(false),
      z.strictObject({
        ttlMs: z
          .number()
          .positive()
          .max(10 * 365 * DAY)
          .default(userDefaults.ttlMs),
        maxGenerations: z.number().int().min(1).max(100_000).default(userDefaults.maxGenerations),
        maxItems: z.number().int().min(1).max(1_000_000).default(userDefaults.maxItems),
      }),
    ])
    .default(userDefaults),
})

const kitSource: ProblemSource = { what: 'createSessionKit', code: 'INVALID_CONFIG' }
const callSource: ProblemSource = { what: 'seen.view()', code: 'INVALID_ARGUMENT' }

/**
 * Validates kit option `seen` once, at kit creation. Throws `INVALID_CONFIG` naming the option
 * (`seen.policy.halfLifeMs`, ...).
 *
 * @example
 * const options = parseSeenOptions({ policy: { kind: 'flat' } })
 */
export function parseSeenOptions(input: unknown): SeenOptions {
  const o = parseOptions(optionsSchema, input ?? {}, kitSource, ['seen'])
  return {
    policy: resolveSeenPolicy(o.policy ?? { kind: 'decay' }, kitSource, 'seen.policy'),
    maxItems: o.maxItems,
    maxGenerations: o.maxGenerations,
    maxAttributesPerItem: o.maxAttributesPerItem,
    user: o.user === false ? undefined : o.user,
  }
}

// Per-call policies are usually constants: parse each object once, then reuse the result.
const callPolicies = new WeakMap<object, ResolvedSeenPolicy>()

/**
 * Resolves a policy passed to `view({ policy })`; `INVALID_ARGUMENT` naming the option when bad.
 * The same object is parsed only once.
 *
 * @example
 * const FLAT = { kind: 'flat' } as const; await s.seen.view({ policy: FLAT })
 */
export function resolveCallPolicy(input: SeenPolicyInput): ResolvedSeenPolicy {
  // Not an object: nothing to cache, and the schema reports it.
  if (typeof input !== 'object' || input === null) return resolveSeenPolicy(input, callSource, 'policy')
  const cached = callPolicies.get(input)
  if (cached !== undefined) return cached
  const resolved = resolveSeenPolicy(input, callSource, 'policy')
  callPolicies.set(input, resolved)
  return resolved
}
