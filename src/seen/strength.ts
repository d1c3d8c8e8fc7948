import type { KeyStats } from './fold.js'
import type { DecayShape, WeightedShape } from './policy-types.js'

/**
 * How strongly one level remembers a key, in [0, 1): `1 - 2^-E` for `decay` (one fresh
 * exposure: 0.5, two: 0.75), and 1 for `flat` as soon as one exposure is inside the window.
 *
 * @example
 * levelStrength(decayShape, 1) // 0.5
 */
export function levelStrength(shape: DecayShape, mass: number): number {
  if (!(mass > 0)) return 0
  return shape.kind === 'flat' ? 1 : 1 - 2 ** -mass
}

/**
 * The session and user levels combined by noisy-or: `1 - (1 - p_session) * (1 - w_user * p_user)`,
 * so the user's other sessions add to the session's memory without ever counting twice.
 *
 * @example
 * combinedStrength(stats, policy.item, policy.user)
 */
export function combinedStrength(stats: KeyStats, sessionShape: DecayShape, user: WeightedShape): number {
  const s = levelStrength(sessionShape, stats.session?.mass ?? 0)
  const u = user.weight * levelStrength(user, stats.user?.mass ?? 0)
  return 1 - (1 - s) * (1 - u)
}

/**
 * `-weight * strength` without a negative zero (so an unseen key compares equal to 0).
 *
 * @example
 * additive(3, 0.5) // -1.5
 */
export function additive(weight: number, strength: number): number {
  const p = weight * strength
  return p === 0 ? 0 : -p
}

/**
 * `1 - weight * strength`, kept in [0, 1].
 *
 * @example
 * multiplicative(1, 0.5) // 0.5
 */
export function multiplicative(weight: number, strength: number): number {
  const f = 1 - weight * strength
  return Math.min(1, Math.max(0, f))
}
