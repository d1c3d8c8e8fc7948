/** A counter only grows (`_total`); a gauge is a level now; a histogram counts values in buckets. */
export type MetricType = 'counter' | 'gauge' | 'histogram'

/**
 * One metric, defined once: the Prometheus name (base unit seconds, `_total` for counters), its
 * type, what it means, and its labels, each of bounded cardinality (a code, a kind, a reason:
 * never an id). Exporters derive every other name from it (OpenTelemetry drops `_total`).
 *
 * @example
 * { name: 'sessionkit_sessions_created_total', type: 'counter', help: 'Sessions created.', labels: [] }
 */
export interface MetricDefinition {
  readonly name: string
  readonly type: MetricType
  readonly help: string
  /** The unit for OpenTelemetry (`s`, `By`, `{session}`); Prometheus names carry it already. */
  readonly unit: string
  readonly labels: readonly string[]
  /** Upper bounds of a histogram's buckets, ascending (`+Inf` is implied). */
  readonly buckets?: readonly number[]
}

/** Label values of one series, by label name. */
export type MetricLabels = Readonly<Record<string, string>>

/** One series of a counter or a gauge. */
export interface ValueSample {
  readonly labels: MetricLabels
  readonly value: number
}

/** One series of a histogram: cumulative counts per bucket bound (`+Inf` is `count`), and the sum. */
export interface HistogramSample {
  readonly labels: MetricLabels
  /** `buckets[i]`: values at most `definition.buckets[i]`. */
  readonly buckets: readonly number[]
  readonly count: number
  readonly sum: number
}

/** A metric and its series now. */
export type Metric =
  | {
      readonly definition: MetricDefinition & { readonly type: 'counter' | 'gauge' }
      readonly samples: readonly ValueSample[]
    }
  | {
      readonly definition: MetricDefinition & { readonly type: 'histogram' }
      readonly samples: readonly HistogramSample[]
    }

/**
 * What `kit.metrics()` and `detector.metrics()` resolve: every metric of the source, in a fixed
 * order, for `toPrometheusText`, `toMetricsJson` or your own exporter.
 *
 * @example
 * res.end(toPrometheusText(await kit.metrics()))
 */
export type MetricsSnapshot = readonly Metric[]
