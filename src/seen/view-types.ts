/**
 * Scores `apply` can change in place.
 *
 * @example
 * view.apply(ids, new Float64Array(baseScores))
 */
export type ScoreArray = Float64Array | Float32Array | number[]

/**
 * A snapshot of what a session has seen, read with one store call; every lookup after that is
 * synchronous and costs about a `Map.get`. Penalties are <= 0 (`-Infinity` when a cap excludes
 * the item); factors are in [0, 1].
 *
 * @example
 * const view = await session.seen.view()
 * for (const c of candidates) c.score = c.base + view.penalty(c.id, c.attributes)
 */
export interface SeenView {
  /** The policy kind this view computes with. */
  readonly kind: 'none' | 'flat' | 'decay'
  /** How `apply` combines: `score + penalty` or `score * factor`. */
  readonly scoring: 'additive' | 'multiplicative'
  /** The session's newest generation number (0 before the first mark). */
  readonly generation: number
  /** When the view was read (epoch ms); ages are measured from it. */
  readonly at: number
  /**
   * The additive penalty of an item: its own (session and user levels) plus its attribute
   * values' discounts. `attrs` (`['color:blue', 'brand:acme']`) gives the candidate's values;
   * without it, those stored with the item's last mark are used (none for an unseen item).
   */
  penalty(id: string, attrs?: readonly string[]): number
  /** The multiplicative factor in [0, 1] (0 when excluded): `score * view.factor(id)`. */
  factor(id: string, attrs?: readonly string[]): number
  /**
   * Penalties of many ids into `out` (allocated only when not given; it must be at least as long
   * as `ids`). `attrs[i]` gives the values of `ids[i]`, as in `penalty`.
   */
  penalties(
    ids: readonly string[],
    out?: Float64Array,
    attrs?: readonly (readonly string[] | undefined)[],
  ): Float64Array
  /** Factors of many ids into `out`, like `penalties`. */
  factors(
    ids: readonly string[],
    out?: Float64Array,
    attrs?: readonly (readonly string[] | undefined)[],
  ): Float64Array
  /**
   * Applies the view to `scores` in place (`scores[i]` belongs to `ids[i]`) with the policy's
   * scoring; an excluded item gets `-Infinity` in both modes. Returns `scores`.
   */
  apply<T extends ScoreArray>(
    ids: readonly string[],
    scores: T,
    attrs?: readonly (readonly string[] | undefined)[],
  ): T
  /** True when the view holds an exposure of `id` (this session's, or the user's other sessions'). */
  has(id: string): boolean
  /** Ids the view holds: this session's newest first, then the user level's. */
  items(): string[]
  /** Why `id` gets its penalty, as a plain object for logs. */
  explain(id: string, attrs?: readonly string[]): SeenExplanation
}

/**
 * A key's exposure facts at one level, as `explain` reports them.
 *
 * @example
 * { level: 'session', count: 2, mass: 1.5, strength: 0.65, lastSeenAgoMs: 60_000, generationsAgo: 1 }
 */
export interface SeenLevelFacts {
  readonly level: 'session' | 'user'
  /** Exposures counted (one per generation). */
  readonly count: number
  /** Decayed exposure mass `E` (for `flat`: exposures inside the window). */
  readonly mass: number
  /** This level's memory in [0, 1): `1 - 2^-E` (`decay`), 0 or 1 (`flat`). */
  readonly strength: number
  /** Milliseconds since the newest exposure. */
  readonly lastSeenAgoMs: number
  /** Generations (marks) since the newest exposure at this level; 0 = the newest mark. */
  readonly generationsAgo: number
}

/**
 * One part of a penalty: the item itself, or one attribute value.
 *
 * @example
 * view.explain('tee-1').parts.map((p) => `${p.part} ${p.contribution}`)
 */
export interface SeenPartFacts {
  /** `item`, or the attribute value (`color:blue`). */
  readonly part: string
  readonly weight: number
  /** Combined strength (noisy-or of the levels). */
  readonly strength: number
  /** Its share of the penalty (<= 0). */
  readonly contribution: number
  readonly levels: readonly SeenLevelFacts[]
}

/**
 * Why an item gets its penalty.
 *
 * @example
 * log(view.explain('tee-1').text) // 'tee-1 -1.50: item -1.50 (session 1x, 0s ago, 0 gen ago)'
 */
export interface SeenExplanation {
  readonly id: string
  readonly kind: 'none' | 'flat' | 'decay'
  readonly penalty: number
  readonly factor: number
  /** True when a frequency cap excludes the item. */
  readonly excluded: boolean
  /** The parts that applied (the item, each attribute value with a discount). */
  readonly parts: readonly SeenPartFacts[]
  /** The cap, when the policy has one and the item was seen. */
  readonly cap: { readonly count: number; readonly max: number; readonly windowMs: number } | undefined
  /** One line for logs. */
  readonly text: string
}
