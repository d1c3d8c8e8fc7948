import type { HistogramSample, MetricLabels } from './types.js'

/**
 * A fixed-bucket histogram of one series: a count per bucket, the sum and the count. Bounded
 * memory whatever the traffic; `observe` allocates nothing.
 */
export class Histogram {
  readonly #bounds: readonly number[]
  readonly #counts: Float64Array
  #count = 0
  #sum = 0

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds
    this.#counts = new Float64Array(bounds.length)
  }

  observe(value: number): void {
    const bounds = this.#bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    if (i < bounds.length) this.#counts[i]!++
    this.#count++
    this.#sum += value
  }

  /** The series as exporters read it: cumulative bucket counts. */
  sample(labels: MetricLabels): HistogramSample {
    const buckets: number[] = []
    let running = 0
    for (const n of this.#counts) {
      running += n
      buckets.push(running)
    }
    return { labels, buckets, count: this.#count, sum: this.#sum }
  }
}
