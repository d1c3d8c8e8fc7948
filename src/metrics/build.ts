import type { HistogramSample, Metric, MetricDefinition } from './types.js'

type ValueDefinition = MetricDefinition & { readonly type: 'counter' | 'gauge' }

/** A metric without labels and its one value. */
export function single(definition: ValueDefinition, value: number): Metric {
  return { definition, samples: [{ labels: {}, value }] }
}

/**
 * A metric with one label and a value per label value, in the order of `values` (every known
 * label value is reported, zeros included, so a rate over it never starts from a gap).
 */
export function byLabel(definition: ValueDefinition, values: Readonly<Record<string, number>>): Metric {
  const label = definition.labels[0] as string
  return {
    definition,
    samples: Object.entries(values).map(([key, value]) => ({ labels: { [label]: key }, value })),
  }
}

/** A histogram metric and its series. */
export function histogram(
  definition: MetricDefinition & { readonly type: 'histogram' },
  samples: readonly HistogramSample[],
): Metric {
  return { definition, samples }
}
