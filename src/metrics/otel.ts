import type { MetricDefinition, MetricLabels, MetricsSnapshot } from './types.js'

/** An asynchronous instrument, as the meter hands it back. */
export type ObservableInstrument = object

/** What `addBatchObservableCallback` hands the callback at each collection. */
export interface BatchObservation {
  observe(instrument: ObservableInstrument, value: number, attributes?: MetricLabels): void
}

/** Options of an instrument, as OpenTelemetry takes them. */
export interface InstrumentOptions {
  readonly description?: string
  readonly unit?: string
  readonly advice?: { readonly explicitBucketBoundaries?: number[] }
}

/**
 * The part of an OpenTelemetry `Meter` (`@opentelemetry/api`) that sessionkit uses: pass
 * `metrics.getMeter('my-service')`. sessionkit has no OpenTelemetry dependency; the SDK you
 * configured collects and exports.
 *
 * @example
 * createSessionKit({ meter: metrics.getMeter('chat-backend') })
 */
export interface MetricsMeter {
  createObservableCounter(name: string, options?: InstrumentOptions): ObservableInstrument
  createObservableGauge(name: string, options?: InstrumentOptions): ObservableInstrument
  createHistogram(
    name: string,
    options?: InstrumentOptions,
  ): { record(value: number, attributes?: MetricLabels): void }
  addBatchObservableCallback(
    callback: (observation: BatchObservation) => void | Promise<void>,
    observables: ObservableInstrument[],
  ): void
}

/** Receives each histogram value as it is measured (OpenTelemetry has no asynchronous histogram). */
export type HistogramListener = (definition: MetricDefinition, value: number, labels: MetricLabels) => void

/**
 * Registers every metric of a source on `meter`, named as defined without Prometheus's `_total`
 * (OpenTelemetry's exporters add it back): counters and gauges as observable instruments read
 * from one snapshot per collection, histograms as histograms with the same bucket bounds, fed by
 * the returned listener.
 */
export function bindMeter(
  meter: MetricsMeter,
  definitions: readonly MetricDefinition[],
  collect: () => MetricsSnapshot | Promise<MetricsSnapshot>,
): HistogramListener {
  const observables = new Map<string, ObservableInstrument>()
  const histograms = new Map<string, { record(value: number, attributes?: MetricLabels): void }>()
  for (const d of definitions) {
    const name = d.name.replace(/_total$/, '')
    const options = { description: d.help, unit: d.unit }
    if (d.type === 'counter') observables.set(d.name, meter.createObservableCounter(name, options))
    else if (d.type === 'gauge') observables.set(d.name, meter.createObservableGauge(name, options))
    else {
      const advice = { explicitBucketBoundaries: [...(d.buckets ?? [])] }
      histograms.set(d.name, meter.createHistogram(name, { ...options, advice }))
    }
  }
  meter.addBatchObservableCallback(
    async (observation) => {
      for (const metric of await collect()) {
        const instrument = observables.get(metric.definition.name)
        if (instrument === undefined || metric.definition.type === 'histogram') continue
        for (const s of metric.samples as readonly { labels: MetricLabels; value: number }[]) {
          observation.observe(instrument, s.value, s.labels)
        }
      }
    },
    [...observables.values()],
  )
  return (definition, value, labels) => histograms.get(definition.name)?.record(value, labels)
}

/** Whether `value` has the methods of a {@link MetricsMeter} (checked once, when options are). */
export function isMetricsMeter(value: unknown): value is MetricsMeter {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  return [
    'createObservableCounter',
    'createObservableGauge',
    'createHistogram',
    'addBatchObservableCallback',
  ].every((name) => typeof m[name] === 'function')
}
