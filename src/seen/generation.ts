import type { JsonValue } from '../store/contract.js'

/**
 * Name of the list part holding generations, in the session record and in the user record.
 *
 * @example
 * await store.range(sessionId, SEEN_PART, 0, -1)
 */
export const SEEN_PART = 'seen'

/**
 * One generation (one `mark`) as stored: when, which items, their attribute values, and (at the
 * user level) which session marked it, so a view never counts the current session twice.
 */
export interface StoredGeneration {
  /** Epoch ms of the exposure. */
  readonly at: number
  readonly ids: readonly string[]
  /** Item id -> attribute values (`key:value`) shown with it. */
  readonly attrs?: Readonly<Record<string, readonly string[]>>
  /** The session that marked it (user level only). */
  readonly s?: string
}

/**
 * The JSON a store keeps for a generation.
 *
 * @example
 * await store.push(id, SEEN_PART, [encodeGeneration({ at, ids })], { max: 64 })
 */
export function encodeGeneration(generation: StoredGeneration): JsonValue {
  return generation as unknown as JsonValue
}

/**
 * Reads a stored generation defensively: a value that is not one (written by another version,
 * or by hand) is skipped rather than breaking every view of the session.
 *
 * @example
 * const g = decodeGeneration(entry.value); if (g === undefined) continue
 */
export function decodeGeneration(value: unknown): StoredGeneration | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const g = value as { at?: unknown; ids?: unknown; attrs?: unknown; s?: unknown }
  if (typeof g.at !== 'number' || !Number.isFinite(g.at) || !Array.isArray(g.ids)) return undefined
  if (g.attrs !== undefined && (typeof g.attrs !== 'object' || g.attrs === null)) return undefined
  return value as StoredGeneration
}

/**
 * The attribute values stored for `id` in a generation (own properties only).
 *
 * @example
 * attributesOf({ at: 0, ids: ['a'], attrs: { a: ['color:red'] } }, 'a') // ['color:red']
 */
export function attributesOf(generation: StoredGeneration, id: string): readonly string[] | undefined {
  const attrs = generation.attrs
  if (attrs === undefined || !Object.hasOwn(attrs, id)) return undefined
  const values = attrs[id]
  return Array.isArray(values) ? values : undefined
}
