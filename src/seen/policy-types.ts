/**
 * How an attribute key (`color`, `brand`) is discounted: its weight and, for `decay`, its own
 * half-lives (default: the item's); for `flat`, its own window (default: the item's).
 *
 * @example
 * { color: { weight: 0.4 }, brand: { weight: 0.3, halfLifeMs: 5 * 60_000 } }
 */
export interface SeenAttributeInput {
  /** Largest penalty one value of this key can add (additive), or the share it can take off (multiplicative). */
  readonly weight: number
  /** `decay` only: time half-life of this key's exposures. */
  readonly halfLifeMs?: number
  /** `decay` only: half-life counted in generations (marks) of this key's exposures. */
  readonly generationHalfLife?: number
  /** `flat` only: how long a shown value keeps its discount. */
  readonly windowMs?: number
}

/**
 * The user level: exposures from the user's other sessions, combined with the session's by
 * noisy-or, `p = 1 - (1 - p_session) * (1 - weight * p_user)`.
 *
 * @example
 * { weight: 0.5, halfLifeMs: 24 * 3_600_000 }
 */
export interface SeenUserLevelInput {
  /** How much the user's history counts next to the session's, in [0, 1]. Default 0.5. */
  readonly weight?: number
  /** `decay` only: half-life of the user's exposures. Default 24 h. */
  readonly halfLifeMs?: number
  /** `decay` only: half-life in user-level generations. Default: none. */
  readonly generationHalfLife?: number
  /** `flat` only: how long the user's exposures count. Default 24 h. */
  readonly windowMs?: number
}

/**
 * A frequency cap: an item shown `max` times inside `windowMs` (session and user levels
 * together) is excluded: its penalty is `-Infinity` and its factor 0.
 *
 * @example
 * { max: 3, windowMs: 60 * 60_000 }
 */
export interface SeenCapInput {
  /** Exposures that exclude the item. */
  readonly max: number
  /** Window the exposures are counted in. Default 30 minutes. */
  readonly windowMs?: number
}

/** What every policy kind shares. */
interface SeenPolicyCommon {
  /** `additive`: `score + penalty`; `multiplicative`: `score * factor`. Default `additive`. */
  readonly scoring?: 'additive' | 'multiplicative'
  readonly cap?: SeenCapInput
  readonly attributes?: Readonly<Record<string, SeenAttributeInput>>
  readonly user?: SeenUserLevelInput
}

/**
 * No item penalty (caps and attribute discounts still apply when given): a baseline.
 *
 * @example
 * await s.seen.view({ policy: { kind: 'none' } })
 */
export interface SeenNonePolicyInput extends SeenPolicyCommon {
  readonly kind: 'none'
}

/**
 * The classic penalty: a constant `weight` for an item shown inside `windowMs`.
 *
 * @example
 * { kind: 'flat', weight: 1.5, windowMs: 30 * 60_000 }
 */
export interface SeenFlatPolicyInput extends SeenPolicyCommon {
  readonly kind: 'flat'
  /** Default 1.5 (additive) or 0.5 (multiplicative). */
  readonly weight?: number
  /** Default 30 minutes. */
  readonly windowMs?: number
}

/**
 * Decaying exposure mass `E = sum_k 2^(-age_k / halfLifeMs) * 2^(-generationsAgo_k / generationHalfLife)`,
 * turned into the bounded penalty `weight * (1 - 2^-E)`.
 *
 * @example
 * { kind: 'decay', weight: 3, halfLifeMs: 10 * 60_000, generationHalfLife: 2 }
 */
export interface SeenDecayPolicyInput extends SeenPolicyCommon {
  readonly kind: 'decay'
  /** The bound of the penalty. Default 3 (additive: one fresh exposure costs 1.5) or 1 (multiplicative: it halves the score). */
  readonly weight?: number
  /** Time half-life. Default 10 minutes, when neither half-life is given (give one to use only it). */
  readonly halfLifeMs?: number
  /** Half-life counted in generations (marks). Default 2, when neither half-life is given. */
  readonly generationHalfLife?: number
}

/**
 * A seen policy, as given in the kit options (`seen.policy`) or per call (`view({ policy })`).
 * Default `{ kind: 'decay', weight: 3, halfLifeMs: 600_000, generationHalfLife: 2 }`.
 *
 * @example
 * { kind: 'decay', halfLifeMs: 10 * 60_000, attributes: { color: { weight: 0.4 } }, cap: { max: 5 } }
 */
export type SeenPolicyInput = SeenNonePolicyInput | SeenFlatPolicyInput | SeenDecayPolicyInput

/** How an exposure fades: the shape shared by items, attribute keys and the user level. */
export interface DecayShape {
  readonly kind: 'flat' | 'decay'
  /** `flat`: exposures younger than this count 1, older 0. `Infinity` for `decay`. */
  readonly windowMs: number
  /** `decay`: `Infinity` when time does not decay. */
  readonly halfLifeMs: number
  /** `decay`: `Infinity` when generations do not decay. */
  readonly generationHalfLife: number
}

/** A weighted part of the penalty (the item, one attribute key). */
export interface WeightedShape extends DecayShape {
  readonly weight: number
}

/**
 * A policy after validation and defaults: what a view computes with.
 *
 * @example
 * parseSeenOptions({ policy: { kind: 'flat' } }).policy.item?.weight // 1.5
 */
export interface ResolvedSeenPolicy {
  readonly kind: 'none' | 'flat' | 'decay'
  readonly scoring: 'additive' | 'multiplicative'
  /** The item part; `undefined` for `none`. */
  readonly item: WeightedShape | undefined
  /** The user level's shape, and its noisy-or weight in [0, 1]. */
  readonly user: WeightedShape
  readonly attributes: ReadonlyMap<string, WeightedShape>
  readonly cap: { readonly max: number; readonly windowMs: number } | undefined
}
