export { DETECT_BUCKETS, detectorMetrics, kitMetrics } from './catalog.js'
export { type HistogramJson, type MetricJson, toMetricsJson } from './json.js'
export type { BatchObservation, InstrumentOptions, MetricsMeter, ObservableInstrument } from './otel.js'
export { PROMETHEUS_CONTENT_TYPE, toPrometheusText } from './prometheus.js'
export type {
  HistogramSample,
  Metric,
  MetricDefinition,
  MetricLabels,
  MetricsSnapshot,
  MetricType,
  ValueSample,
} from './types.js'
