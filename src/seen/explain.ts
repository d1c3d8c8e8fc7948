import { capCount, type Folded, type KeyStats, type LevelStats, valueShape } from './fold.js'
import type { DecayShape, ResolvedSeenPolicy, WeightedShape } from './policy-types.js'
import { additive, combinedStrength, levelStrength } from './strength.js'
import type { SeenExplanation, SeenLevelFacts, SeenPartFacts } from './view-types.js'

/** What `explainItem` needs from the view that asks. */
export interface ExplainContext {
  readonly folded: Folded
  readonly policy: ResolvedSeenPolicy
  readonly at: number
  readonly penalty: number
  readonly factor: number
}

/**
 * Builds the plain object `view.explain(id)` returns (for logs; not on the hot path).
 *
 * @example
 * explainItem('tee-1', undefined, { folded, policy, at, penalty: -1.5, factor: 0.5 }).text
 */
export function explainItem(
  id: string,
  attrs: readonly string[] | undefined,
  ctx: ExplainContext,
): SeenExplanation {
  const { folded, policy } = ctx
  const stats = folded.items.get(id)
  const parts: SeenPartFacts[] = []
  if (stats !== undefined && policy.item !== undefined) {
    parts.push(partFacts('item', stats, policy.item, ctx))
  }
  for (const value of attrs ?? stats?.attrs ?? []) {
    const valueStats = folded.values.get(value)
    const shape = valueShape(policy, value)
    if (valueStats !== undefined && shape !== undefined) parts.push(partFacts(value, valueStats, shape, ctx))
  }
  const c = policy.cap
  const cap =
    c !== undefined && stats !== undefined
      ? { count: capCount(stats), max: c.max, windowMs: c.windowMs }
      : undefined
  const excluded = cap !== undefined && cap.count >= cap.max
  return {
    id,
    kind: policy.kind,
    penalty: ctx.penalty,
    factor: ctx.factor,
    excluded,
    parts,
    cap,
    text: describe(id, ctx.penalty, parts, cap, excluded, stats !== undefined),
  }
}

function partFacts(part: string, stats: KeyStats, shape: WeightedShape, ctx: ExplainContext): SeenPartFacts {
  const levels: SeenLevelFacts[] = []
  const { folded, policy } = ctx
  if (stats.session !== undefined) {
    levels.push(levelFacts('session', stats.session, shape, folded.sessionGeneration, ctx.at))
  }
  if (stats.user !== undefined)
    levels.push(levelFacts('user', stats.user, policy.user, folded.userGeneration, ctx.at))
  const strength = combinedStrength(stats, shape, policy.user)
  return { part, weight: shape.weight, strength, contribution: additive(shape.weight, strength), levels }
}

function levelFacts(
  level: 'session' | 'user',
  stats: LevelStats,
  shape: DecayShape,
  generation: number,
  at: number,
): SeenLevelFacts {
  return {
    level,
    count: stats.count,
    mass: stats.mass,
    strength: levelStrength(shape, stats.mass),
    lastSeenAgoMs: Math.max(0, at - stats.lastAt),
    generationsAgo: Math.max(0, generation - stats.lastSeq),
  }
}

function describe(
  id: string,
  penalty: number,
  parts: readonly SeenPartFacts[],
  cap: SeenExplanation['cap'],
  excluded: boolean,
  seen: boolean,
): string {
  if (excluded && cap !== undefined) {
    return `${id} excluded: shown ${cap.count}x in ${formatAge(cap.windowMs)} (cap ${cap.max})`
  }
  if (parts.length === 0)
    return `${id} ${formatNumber(penalty)}: ${seen ? 'seen, no penalty under this policy' : 'not seen'}`
  const shown = parts.map((p) => {
    const levels = p.levels
      .map((l) => `${l.level} ${l.count}x, ${formatAge(l.lastSeenAgoMs)} ago, ${l.generationsAgo} gen ago`)
      .join('; ')
    return `${p.part} ${formatNumber(p.contribution)} (${levels})`
  })
  const capText = cap === undefined ? '' : `; cap ${cap.count}/${cap.max} in ${formatAge(cap.windowMs)}`
  return `${id} ${formatNumber(penalty)}: ${shown.join(' + ')}${capText}`
}

function formatNumber(n: number): string {
  return n === 0 ? '0' : n.toFixed(2)
}

/**
 * `850ms`, `12s`, `3m`, `2h`, `4d`: short ages for log lines.
 *
 * @example
 * formatAge(90_000) // '2m'
 */
function formatAge(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${Math.round(ms / 1_000)}s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h`
  return `${Math.round(ms / 86_400_000)}d`
}
