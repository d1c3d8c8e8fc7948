import { checkSnapshots } from './check.js'
import type { HistogramSample, MetricLabels, MetricsSnapshot, ValueSample } from './types.js'

/** A histogram series in {@link toMetricsJson}: count, sum and cumulative counts by bucket bound. */
export interface HistogramJson {
  readonly count: number
  readonly sum: number
  /** Cumulative count by upper bound (`"0.001"`, ..., `"+Inf"`). */
  readonly buckets: Readonly<Record<string, number>>
}

/** A metric's value in {@link toMetricsJson}. */
export type MetricJson =
  | number
  | HistogramJson
  | Readonly<Record<string, number>>
  | Readonly<Record<string, HistogramJson>>

/**
 * Plain JSON of one or more snapshots, keyed by metric name: a number for a metric without
 * labels, an object keyed by label value for a metric with one label (values of several labels
 * joined by `,`), histograms as `{ count, sum, buckets }`.
 *
 * @example
 * toMetricsJson(await kit.metrics()) // { sessionkit_sessions_active: 12, sessionkit_store_errors_total: { STORE_UNAVAILABLE: 0, ... }, ... }
 */
export function toMetricsJson(...snapshots: readonly MetricsSnapshot[]): Record<string, MetricJson> {
  checkSnapshots(snapshots, 'toMetricsJson')
  const out: Record<string, MetricJson> = Object.create(null)
  for (const snapshot of snapshots) {
    for (const metric of snapshot) {
      const { name, labels, type } = metric.definition
      const value = (s: ValueSample | HistogramSample) =>
        type === 'histogram'
          ? histogramJson(s as HistogramSample, metric.definition.buckets ?? [])
          : (s as ValueSample).value
      if (labels.length === 0) {
        const first = metric.samples[0]
        if (first !== undefined) out[name] = value(first)
        continue
      }
      const keyed: Record<string, number | HistogramJson> = Object.create(null)
      for (const s of metric.samples) keyed[labelKey(s.labels, labels)] = value(s)
      out[name] = { ...(out[name] as object | undefined), ...keyed } as MetricJson
    }
  }
  return { ...out }
}

function labelKey(labels: MetricLabels, names: readonly string[]): string {
  return names.map((n) => labels[n] ?? '').join(',')
}

function histogramJson(s: HistogramSample, bounds: readonly number[]): HistogramJson {
  const buckets: Record<string, number> = {}
  bounds.forEach((bound, i) => {
    buckets[String(bound)] = s.buckets[i] ?? 0
  })
  buckets['+Inf'] = s.count
  return { count: s.count, sum: s.sum, buckets }
}
