/**
 * Where sessionkit reads the time. Every factory takes one, so tests can move time by hand.
 * Default: `Date.now`.
 *
 * @example
 * const clock = createManualClock(0); clock.advance(60_000)
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** The wall clock (`Date.now`). */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told: for tests, examples and simulations. */
export interface ManualClock extends Clock {
  /** Move time forward by `ms` milliseconds. */
  advance(ms: number): void
  /** Jump to `epochMs`. */
  set(epochMs: number): void
}

/**
 * A clock that starts at `startMs` (default 0) and moves only on `advance`/`set`.
 *
 * @example
 * const clock = createManualClock(Date.parse('2026-01-01'))
 */
export function createManualClock(startMs = 0): ManualClock {
  let t = startMs
  return {
    now: () => t,
    advance(ms) {
      t += ms
    },
    set(epochMs) {
      t = epochMs
    },
  }
}
