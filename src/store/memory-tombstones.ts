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
  /** Sets the tombstone of `id` until `until`, keeping a later one. */
  add(id: string, until: number, now: number): void
  /** Drops the oldest tombstone; `false` when there is none. */
  dropOldest(): boolean
  /** Every live tombstone as `[digest, until]`, oldest first (snapshots). */
  entries(now: number): IterableIterator<readonly [string, number]>
  /** Puts back a tombstone read from a snapshot, by its digest. */
  restore(digest: string, until: number): void
  /** Drops every tombstone (a restore that failed part way). */
  clear(): void
  readonly size: number
  /** Bytes counted for them in `maxBytes`: {@link TOMBSTONE_BYTES} each. */
  readonly bytes: number
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

  function dropOldest(): boolean {
    const first = untilOf.keys().next()
    if (first.done === true) return false
    untilOf.delete(first.value)
    return true
  }

  function set(key: string, until: number): void {
    untilOf.delete(key)
    untilOf.set(key, until)
    while (untilOf.size > max) dropOldest()
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
      // Expired tombstones at the front go first, so a steady churn never waits for `max`.
      for (const [first, firstUntil] of untilOf) {
        if (firstUntil > now || first === key) break
        untilOf.delete(first)
      }
      const current = untilOf.get(key)
      if (until <= now || (current !== undefined && current >= until)) return
      set(key, until)
    },
    dropOldest,
    *entries(now) {
      for (const entry of untilOf) if (entry[1] > now) yield entry
    },
    restore(digest, until) {
      if ((untilOf.get(digest) ?? 0) < until) set(digest, until)
    },
    clear() {
      untilOf.clear()
    },
    get size() {
      return untilOf.size
    },
    get bytes() {
      return untilOf.size * TOMBSTONE_BYTES
    },
  }
}
