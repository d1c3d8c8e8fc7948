// One seeded generator for tests and benchmarks: the same seed gives the same corpus, catalogue and
// noise in every run.

export type Rng = () => number

/** A small, fast, seeded PRNG (mulberry32). */
export function rng(seed: number): Rng {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
