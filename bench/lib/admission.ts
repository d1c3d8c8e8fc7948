// Traffic and error counts for the rate-limit benchmark: one replayed trace, judged by the
// definition of a sliding window (at most `limit` in any window of `windowMs`).
import type { Rng } from '../../test/helpers/rng.js'

/**
 * Request times (epoch ms, rising) over `minutes`: quiet stretches and bursts of up to twice the
 * limit, some straddling a window's end, as traffic from retries, batch jobs and reloads comes.
 */
export function burstyTrace(random: Rng, o: { limit: number; windowMs: number; minutes: number }): number[] {
  const times: number[] = []
  let t = Date.parse('2026-01-01T00:00:00Z')
  const end = t + o.minutes * 60_000
  while (t < end) {
    t += Math.floor(random() * o.windowMs * 1.5)
    const size = Math.floor(random() * 2 * o.limit)
    const spread = Math.floor(random() * o.windowMs * 0.5)
    for (let i = 0; i < size; i++) times.push(t + Math.floor((spread * i) / Math.max(1, size)))
    t += spread
  }
  return times
}

/**
 * How far admissions strayed from the definition: the most admitted in any window, how many
 * admissions found the window already full, and how many refusals came with room in the window.
 */
export function admissionErrors(
  times: readonly number[],
  admitted: readonly boolean[],
  limit: number,
  windowMs: number,
): { busiest: number; overWindows: number; refusals: number; wrongRefusals: number } {
  const kept: number[] = []
  let start = 0
  let busiest = 0
  let overWindows = 0
  let refusals = 0
  let wrongRefusals = 0
  times.forEach((at, i) => {
    while (start < kept.length && kept[start]! <= at - windowMs) start++
    const inWindow = kept.length - start
    if (admitted[i]) {
      if (inWindow >= limit) overWindows++
      kept.push(at)
      busiest = Math.max(busiest, inWindow + 1)
    } else {
      refusals++
      if (inWindow < limit) wrongRefusals++
    }
  })
  return { busiest, overWindows, refusals, wrongRefusals }
}
