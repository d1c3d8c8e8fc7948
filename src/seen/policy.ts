import { z } from 'zod'
import { RESERVED_NAMES } from '../ids.js'
import { type OptionSource, optionError, parseOptions } from '../options.js'
import type {
  DecayShape,
  ResolvedSeenPolicy,
  SeenAttributeInput,
  SeenPolicyInput,
  WeightedShape,
} from './policy-types.js'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const NONE = Number.POSITIVE_INFINITY

/**
 * Defaults of the seen policies, in one place so docs and tests can quote them.
 *
 * @example
 * SEEN_DEFAULTS.flatWeight // 1.5
 */
export const SEEN_DEFAULTS = {
  flatWeight: 1.5,
  flatWeightMultiplicative: 0.5,
  decayWeight: 3,
  decayWeightMultiplicative: 1,
  windowMs: 30 * MINUTE,
  halfLifeMs: 10 * MINUTE,
  generationHalfLife: 2,
  capWindowMs: 30 * MINUTE,
  userWeight: 0.5,
  userHalfLifeMs: DAY,
  userWindowMs: DAY,
} as const

const ms = z
  .number()
  .positive()
  .max(10 * 365 * DAY)
const weight = z.number().min(0).max(1000)
const generations = z.number().positive().max(1_000_000)
const attributeKey = z
  .string()
  .regex(/^[^:]{1,64}$/, 'attribute keys are 1 to 64 characters without ":" (values are "key:value")')
  .refine((k) => !RESERVED_NAMES.has(k), 'is a reserved word')

const cap = z.strictObject({ max: z.number().int().min(1).max(10_000), windowMs: ms.optional() })
const scoring = z.enum(['additive', 'multiplicative']).optional()

const flatAttribute = z.strictObject({ weight, windowMs: ms.optional() })
const decayAttribute = z.strictObject({
  weight,
  halfLifeMs: ms.optional(),
  generationHalfLife: generations.optional(),
})
const flatUser = z.strictObject({ weight: z.number().min(0).max(1).optional(), windowMs: ms.optional() })
const decayUser = z.strictObject({
  weight: z.number().min(0).max(1).optional(),
  halfLifeMs: ms.optional(),
  generationHalfLife: generations.optional(),
})

const policySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('none'),
    scoring,
    cap: cap.optional(),
    attributes: z.record(attributeKey, decayAttribute).optional(),
    user: decayUser.optional(),
  }),
  z.strictObject({
    kind: z.literal('flat'),
    weight: weight.optional(),
    windowMs: ms.optional(),
    scoring,
    cap: cap.optional(),
    attributes: z.record(attributeKey, flatAttribute).optional(),
    user: flatUser.optional(),
  }),
  z.strictObject({
    kind: z.literal('decay'),
    weight: weight.optional(),
    halfLifeMs: ms.optional(),
    generationHalfLife: generations.optional(),
    scoring,
    cap: cap.optional(),
    attributes: z.record(attributeKey, decayAttribute).optional(),
    user: decayUser.optional(),
  }),
])

/** Who is asking: kit options fail with `INVALID_CONFIG`, a call's options with `INVALID_ARGUMENT`. */
export type ProblemSource = OptionSource

/**
 * Validates a policy and fills in its defaults. Throws `INVALID_CONFIG` or `INVALID_ARGUMENT`
 * (per `source`) naming the bad option under `prefix` (e.g. `seen.policy`).
 *
 * @example
 * resolveSeenPolicy({ kind: 'flat' }, source, 'seen.policy').item?.weight // 1.5
 */
export function resolveSeenPolicy(input: unknown, source: ProblemSource, prefix: string): ResolvedSeenPolicy {
  const parsed = parseOptions(policySchema, input, source, prefix.split('.'))
  return resolveParsed(parsed, source, prefix)
}

function resolveParsed(p: SeenPolicyInput, source: ProblemSource, prefix: string): ResolvedSeenPolicy {
  const multiplicative = p.scoring === 'multiplicative'
  const userWeight = p.user?.weight ?? SEEN_DEFAULTS.userWeight
  let item: WeightedShape | undefined
  let user: WeightedShape
  let base: DecayShape
  if (p.kind === 'flat') {
    const w = p.weight ?? (multiplicative ? SEEN_DEFAULTS.flatWeightMultiplicative : SEEN_DEFAULTS.flatWeight)
    base = flat(p.windowMs ?? SEEN_DEFAULTS.windowMs)
    item = { ...base, weight: w }
    user = { ...flat(p.user?.windowMs ?? SEEN_DEFAULTS.userWindowMs), weight: userWeight }
  } else {
    base = decay(SEEN_DEFAULTS.halfLifeMs, SEEN_DEFAULTS.generationHalfLife)
    if (p.kind === 'decay') {
      if (p.halfLifeMs !== undefined || p.generationHalfLife !== undefined) {
        base = decay(p.halfLifeMs, p.generationHalfLife)
      }
      const w =
        p.weight ?? (multiplicative ? SEEN_DEFAULTS.decayWeightMultiplicative : SEEN_DEFAULTS.decayWeight)
      item = { ...base, weight: w }
    }
    const u = p.user
    const userTime =
      u?.halfLifeMs ?? (u?.generationHalfLife === undefined ? SEEN_DEFAULTS.userHalfLifeMs : undefined)
    user = { ...decay(userTime, u?.generationHalfLife), weight: userWeight }
  }
  const attributes = new Map<string, WeightedShape>()
  for (const [key, a] of Object.entries(p.attributes ?? {}) as [string, SeenAttributeInput][]) {
    attributes.set(key, { ...attributeShape(a, base), weight: a.weight })
  }
  if (multiplicative) checkMultiplicativeWeights(item, attributes, source, prefix)
  const c = p.cap
  return {
    kind: p.kind,
    scoring: multiplicative ? 'multiplicative' : 'additive',
    item,
    user,
    attributes,
    cap: c === undefined ? undefined : { max: c.max, windowMs: c.windowMs ?? SEEN_DEFAULTS.capWindowMs },
  }
}

// A factor is 1 - weight * strength, so a weight above 1 could make it negative.
function checkMultiplicativeWeights(
  item: WeightedShape | undefined,
  attributes: ReadonlyMap<string, WeightedShape>,
  source: ProblemSource,
  prefix: string,
): void {
  if (item !== undefined && item.weight > 1) {
    throw optionError(
      source,
      `${prefix}.weight`,
      'must be at most 1 with scoring "multiplicative" (the share taken off)',
    )
  }
  for (const [key, a] of attributes) {
    if (a.weight > 1) {
      throw optionError(
        source,
        `${prefix}.attributes.${key}.weight`,
        'must be at most 1 with scoring "multiplicative"',
      )
    }
  }
}

function flat(windowMs: number): DecayShape {
  return { kind: 'flat', windowMs, halfLifeMs: NONE, generationHalfLife: NONE }
}

function decay(halfLifeMs: number | undefined, generationHalfLife: number | undefined): DecayShape {
  return {
    kind: 'decay',
    windowMs: NONE,
    halfLifeMs: halfLifeMs ?? NONE,
    generationHalfLife: generationHalfLife ?? NONE,
  }
}

// An attribute key inherits the item's shape for whatever it does not set itself.
function attributeShape(a: SeenAttributeInput, base: DecayShape): DecayShape {
  if (base.kind === 'flat') return flat(a.windowMs ?? base.windowMs)
  if (a.halfLifeMs === undefined && a.generationHalfLife === undefined) return base
  return decay(a.halfLifeMs, a.generationHalfLife)
}
