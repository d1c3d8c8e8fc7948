import { checkSnapshots } from './check.js'
import type { MetricLabels, MetricsSnapshot } from './types.js'

/** The content type of {@link toPrometheusText}'s output, for the `content-type` header. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * Prometheus text exposition (format 0.0.4) of one or more snapshots (a kit's and a detector's):
 * `# HELP` and `# TYPE` once per metric, histograms as `_bucket{le}`, `_sum` and `_count`. A
 * metric that appears in two snapshots is written once, with the series of both.
 *
 * @example
 * res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(toPrometheusText(await kit.metrics()))
 */
export function toPrometheusText(...snapshots: readonly MetricsSnapshot[]): string {
  checkSnapshots(snapshots, 'toPrometheusText')
  const lines: string[] = []
  const written = new Set<string>()
  for (const snapshot of snapshots) {
    for (const metric of snapshot) {
      const { name, help, type } = metric.definition
      if (!written.has(name)) {
        written.add(name)
        lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`)
      }
      if (metric.definition.type !== 'histogram') {
        for (const s of metric.samples as readonly { labels: MetricLabels; value: number }[]) {
          lines.push(`${name}${labelText(s.labels)} ${numberText(s.value)}`)
        }
        continue
      }
      const bounds = metric.definition.buckets ?? []
      for (const s of metric.samples as readonly {
        labels: MetricLabels
        buckets: readonly number[]
        count: number
        sum: number
      }[]) {
        bounds.forEach((bound, i) => {
          lines.push(
            `${name}_bucket${labelText({ ...s.labels, le: numberText(bound) })} ${s.buckets[i] ?? 0}`,
          )
        })
        lines.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`)
        lines.push(`${name}_sum${labelText(s.labels)} ${numberText(s.sum)}`)
        lines.push(`${name}_count${labelText(s.labels)} ${s.count}`)
      }
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}

function labelText(labels: MetricLabels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}
