import { type Clock, systemClock } from '../clock.js'

/**
 * The store's reading of `clock`. For the system clock it reads `Date.now()` at most once per
 * millisecond (an unref'd 1 ms timer forgets the reading), as lru-cache does with its default
 * `ttlResolution`: reading the time costs more than a cache lookup, and expiry has millisecond
 * precision anyway. Any other clock (a manual clock in tests) is read on every call.
 *
 * @example
 * const now = coarseNow(options.clock); now()
 */
export function coarseNow(clock: Clock): () => number {
  if (clock !== systemClock) return () => clock.now()
  let cached = 0
  const forget = () => {
    cached = 0
  }
  return () => {
    if (cached !== 0) return cached
    cached = Date.now()
    setTimeout(forget, 1).unref()
    return cached
  }
}
