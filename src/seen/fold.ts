import type { ListEntry } from '../store/contract.js'
import { attributesOf, decodeGeneration, type StoredGeneration } from './generation.js'
import type { DecayShape, ResolvedSeenPolicy, WeightedShape } from './policy-types.js'

/** What a view knows of one key (an item id or an attribute value) at one level. */
export interface LevelStats {
  /** Exposures counted (one per generation). */
  count: number
  /** Decayed exposure mass `E` under the key's shape. */
  mass: number
  /** Newest exposure, epoch ms. */
  lastAt: number
  /** Generation number of the newest exposure. */
  lastSeq: number
  /** Exposures younger than the cap window (items only). */
  inCapWindow: number
  // The generation last folded into this key: a value shown by two items of one generation counts once.
  visit: number
}

/** A key's facts at both levels. */
export interface KeyStats {
  session: LevelStats | undefined
  user: LevelStats | undefined
  /** Items only: the attribute values stored with the item's newest mark. */
  attrs: readonly string[] | undefined
}

/** Everything a view derives its lookups from. */
export interface Folded {
  readonly items: Map<string, KeyStats>
  readonly values: Map<string, KeyStats>
  /** The newest generation number of each level (0 when empty). */
  readonly sessionGeneration: number
  readonly userGeneration: number
}

/** One level's stored generations and how to read them. */
export interface LevelInput {
  readonly entries: readonly ListEntry<unknown>[]
  /** Sequence number of the newest generation ever pushed (`RangeResult.lastSeq`). */
  readonly lastSeq: number
  /** Distinct items this level may count; older generations past it are ignored. */
  readonly maxItems: number
  /** User level: skip generations marked by this session (they are counted at the session level). */
  readonly skipSession?: string
  /** User level: skip generations older than this many ms. */
  readonly horizonMs?: number
}

/**
 * Folds stored generations into per-key exposure stats: the sum over exposures k of
 * `2^(-(now - t_k) / halfLifeMs) * 2^(-(G - g_k) / generationHalfLife)` (or, for `flat`,
 * 1 inside the window), which equals applying `E <- E * 2^(-dt/h) + 1` at each exposure.
 *
 * @example
 * const folded = foldGenerations(now, policy, { entries, lastSeq, maxItems: 256 }, undefined)
 */
export function foldGenerations(
  now: number,
  policy: ResolvedSeenPolicy,
  session: LevelInput,
  user: LevelInput | undefined,
): Folded {
  const items = new Map<string, KeyStats>()
  const values = new Map<string, KeyStats>()
  foldLevel('session', session, now, policy, items, values)
  if (user !== undefined) foldLevel('user', user, now, policy, items, values)
  return { items, values, sessionGeneration: session.lastSeq, userGeneration: user?.lastSeq ?? 0 }
}

type Level = 'session' | 'user'

function foldLevel(
  level: Level,
  input: LevelInput,
  now: number,
  policy: ResolvedSeenPolicy,
  items: Map<string, KeyStats>,
  values: Map<string, KeyStats>,
): void {
  const itemShape = level === 'session' ? policy.item : policy.user
  const capWindowMs = policy.cap?.windowMs ?? 0
  let distinct = 0
  for (let e = input.entries.length - 1; e >= 0; e--) {
    const entry = input.entries[e] as ListEntry<unknown>
    const g = decodeGeneration(entry.value)
    if (g === undefined || (input.skipSession !== undefined && g.s === input.skipSession)) continue
    const ageMs = Math.max(0, now - g.at)
    if (input.horizonMs !== undefined && ageMs > input.horizonMs) continue
    const added = countNew(items, g.ids, level)
    // Bounded by distinct items: the newest generations that fit, nothing older.
    if (distinct + added > input.maxItems) break
    distinct += added
    const generationsAgo = Math.max(0, input.lastSeq - entry.seq)
    const itemWeight = itemShape === undefined ? 0 : exposureWeight(itemShape, ageMs, generationsAgo)
    for (const id of g.ids) {
      if (typeof id !== 'string') continue
      const key = statsOf(items, id)
      const stats = levelOf(key, level, g.at, entry.seq)
      if (stats.visit === entry.seq) continue
      add(stats, g.at, entry.seq, itemWeight)
      if (ageMs < capWindowMs) stats.inCapWindow++
      const attrs = attributesOf(g, id)
      if (attrs === undefined) continue
      key.attrs ??= attrs
      foldValues(level, attrs, g, entry.seq, ageMs, generationsAgo, policy, values)
    }
  }
}

function foldValues(
  level: Level,
  attrs: readonly string[],
  g: StoredGeneration,
  seq: number,
  ageMs: number,
  generationsAgo: number,
  policy: ResolvedSeenPolicy,
  values: Map<string, KeyStats>,
): void {
  for (const value of attrs) {
    if (typeof value !== 'string') continue
    const shape = valueShape(policy, value)
    if (shape === undefined) continue
    const stats = levelOf(statsOf(values, value), level, g.at, seq)
    if (stats.visit === seq) continue
    add(stats, g.at, seq, exposureWeight(level === 'session' ? shape : policy.user, ageMs, generationsAgo))
  }
}

/**
 * How the policy discounts an attribute value: the shape of its key (`color:blue` -> `color`), if any.
 *
 * @example
 * valueShape(policy, 'color:blue')?.weight // 0.4 with attributes: { color: { weight: 0.4 } }
 */
export function valueShape(policy: ResolvedSeenPolicy, value: string): WeightedShape | undefined {
  return policy.attributes.get(value.slice(0, value.indexOf(':')))
}

/**
 * Exposures inside the cap window, both levels (the user level never holds this session's).
 *
 * @example
 * const excluded = capCount(stats) >= cap.max
 */
export function capCount(stats: KeyStats): number {
  return (stats.session?.inCapWindow ?? 0) + (stats.user?.inCapWindow ?? 0)
}

/**
 * The weight one exposure still carries: 1 inside a flat window (0 outside), or its decay.
 *
 * @example
 * exposureWeight(decayShape, 600_000, 0) // 0.5 with a 10-minute half-life
 */
function exposureWeight(shape: DecayShape, ageMs: number, generationsAgo: number): number {
  if (shape.kind === 'flat') return ageMs < shape.windowMs ? 1 : 0
  return 2 ** -(ageMs / shape.halfLifeMs + generationsAgo / shape.generationHalfLife)
}

function countNew(items: Map<string, KeyStats>, ids: readonly unknown[], level: Level): number {
  let added = 0
  for (const id of ids) {
    if (typeof id === 'string' && items.get(id)?.[level] === undefined) added++
  }
  return added
}

function statsOf(map: Map<string, KeyStats>, key: string): KeyStats {
  let stats = map.get(key)
  if (stats === undefined) {
    stats = { session: undefined, user: undefined, attrs: undefined }
    map.set(key, stats)
  }
  return stats
}

function levelOf(key: KeyStats, level: Level, at: number, seq: number): LevelStats {
  let stats = key[level]
  if (stats === undefined) {
    stats = { count: 0, mass: 0, lastAt: at, lastSeq: seq, inCapWindow: 0, visit: 0 }
    key[level] = stats
  }
  return stats
}

function add(stats: LevelStats, at: number, seq: number, weight: number): void {
  stats.visit = seq
  stats.count++
  stats.mass += weight
  if (at > stats.lastAt) stats.lastAt = at
  if (seq > stats.lastSeq) stats.lastSeq = seq
}
