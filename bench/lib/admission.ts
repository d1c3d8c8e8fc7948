// Traffic and error counts for the rate-limit benchmark: one replayed trace, judged by the
// definition of a sliding window (at most `limit` in any window of `windowMs`).
import type { ManualClock } from '../../src/clock.js'
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

/**
 * Replays `trace` on both limiters (`clock` is ours; rate-limiter-flexible reads `Date.now`, set to
 * each request's time), prints both admission errors under `title`, and resolves whether ours kept
 * the definition (never past the limit, never a refusal with room).
 */
export async function replayTrace(
  title: string,
  trace: readonly number[],
  clock: ManualClock,
  ours: (key: string) => Promise<boolean>,
  theirs: (key: string) => Promise<boolean>,
  o: { limit: number; windowMs: number },
): Promise<boolean> {
  const realNow = Date.now
  const oursAdmitted: boolean[] = []
  const theirsAdmitted: boolean[] = []
  try {
    for (const at of trace) {
      clock.set(at)
      Date.now = () => at
      oursAdmitted.push(await ours('trace'))
      theirsAdmitted.push(await theirs('trace'))
    }
  } finally {
    Date.now = realNow
  }
  console.log(`${title} on one trace of ${trace.length.toLocaleString('en-US')} bursty requests to one key:`)
  let exact = true
  for (const [name, admitted] of [
    ['sessionkit (sliding log)', oursAdmitted],
    ['rate-limiter-flexible (fixed window)', theirsAdmitted],
  ] as const) {
    const e = admissionErrors(trace, admitted, o.limit, o.windowMs)
    console.log(
      `  ${name.padEnd(38)} busiest ${o.windowMs / 1000} s window ${e.busiest} admitted (${(e.busiest / o.limit).toFixed(2)}x the limit), ` +
        `${e.overWindows} admissions past the limit, ${e.wrongRefusals} of ${e.refusals} refusals with room in the window`,
    )
    if (name.startsWith('sessionkit') && (e.busiest > o.limit || e.wrongRefusals > 0)) exact = false
  }
  return exact
}
