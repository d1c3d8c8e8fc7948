import { idDigest } from '../ids.js'

/** Bytes counted per tombstone: its 22-character key, its expiry and its slot in the map. */
export const TOMBSTONE_BYTES = 100

/**
 * The memory store's tombstones: ids that may not be created again before a given instant. Each
 * is keyed by a digest of the id (so it names no id) and holds nothing but its expiry. Bounded: at
 * most `max` of them, the oldest going first past it; the engine also drops the oldest before any
 * live record when the store is over `maxBytes`, since a record holds a user's data and a tombstone
 * only guards ids a caller supplies.
 */
export interface Tombstones {
  /** Whether `id` has a tombstone still live at `now` (an expired one is dropped on the way). */
  has(id: string, now: number): boolean
  /** Sets the tombstone of `id` until `until`, keeping a later one; returns the change in bytes. */
  add(id: string, until: number, now: number): number
  /** Drops the oldest tombstone; returns the bytes released (0 when there is none). */
  dropOldest(): number
  readonly size: number
}

/** Makes an empty set of tombstones holding at most `max`. */
export function createTombstones(max: number): Tombstones {
  // Insertion order is renewal order, so the first entry is the oldest one.
  const untilOf = new Map<string, number>()
  // A create checks and then sets the same id: one digest for both.
  let lastId = ''
  let lastKey = ''
  const keyOf = (id: string): string => {
    if (id !== lastId) {
      lastKey = idDigest(id)
      lastId = id
    }
    return lastKey
  }

  function dropOldest(): number {
    const first = untilOf.keys().next()
    if (first.done === true) return 0
    untilOf.delete(first.value)
    return TOMBSTONE_BYTES
  }

  return {
    has(id, now) {
      if (untilOf.size === 0) return false
      const key = keyOf(id)
      const until = untilOf.get(key)
      if (until === undefined) return false
      if (until > now) return true
      untilOf.delete(key)
      return false
    },
    add(id, until, now) {
      const key = keyOf(id)
      let released = 0
      // Expired tombstones at the front go first, so a steady churn never waits for `max`.
      for (const [first, firstUntil] of untilOf) {
        if (firstUntil > now || first === key) break
        untilOf.delete(first)
        released += TOMBSTONE_BYTES
      }
      const current = untilOf.get(key)
      if (until <= now || (current !== undefined && current >= until)) return -released
      if (current === undefined) released -= TOMBSTONE_BYTES
      else untilOf.delete(key)
      untilOf.set(key, until)
      while (untilOf.size > max) released += dropOldest()
      return -released
    },
    dropOldest,
    get size() {
      return untilOf.size
    },
  }
}
