import { metrics as otelMetrics } from '@opentelemetry/api'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detect/detector.js'
import { createSessionKit } from '../../src/kit.js'
import { createRateLimiter } from '../../src/limits/limiter.js'
import { DETECT_BUCKETS } from '../../src/metrics/catalog.js'
import { toMetricsJson } from '../../src/metrics/json.js'
import type { MetricsMeter } from '../../src/metrics/otel.js'
import { toPrometheusText } from '../../src/metrics/prometheus.js'
import type { MetricsSnapshot } from '../../src/metrics/types.js'

const conversation = [
  { role: 'user', content: 'Any 2BHK in Whitefield?' },
  { role: 'assistant', content: 'Three, from 90 lakh.' },
  { role: 'user', content: 'Near a metro?' },
]

/**
 * Two sessions (one made by detection), two hits and two misses (detection looks up too), and
 * one rate-limited call admitted and one refused.
 */
async function busyKit(meter?: MetricsMeter) {
  const kit = createSessionKit({
    onWarning: () => undefined,
    limits: { rules: [{ name: 'requests', per: 'session', limit: 1, windowMs: 60_000 }] },
    ...(meter === undefined ? {} : { meter }),
  })
  const s = await kit.create()
  await s.limits.consume({ requests: 1 })
  await s.limits.consume({ requests: 1 })
  await kit.get(s.id)
  await kit.get('unknown-session-id')
  const first = await kit.detect({ messages: conversation.slice(0, 1) })
  kit.detector.bindReply(first.detection, conversation[1]!)
  await kit.detect({ messages: conversation })
  return kit
}

describe('Prometheus text exposition', () => {
  it('parses back with a Prometheus parser: every metric once, its type, help and values', async () => {
    const kit = await busyKit()
    const snapshot = await kit.metrics()
    const text = toPrometheusText(snapshot)
    const families = parsePrometheusTextFormat(text)
    expect(families.map((f) => f.name)).toEqual(snapshot.map((m) => m.definition.name))
    const family = (name: string) => families.find((f) => f.name === name)!
    expect(family('sessionkit_sessions_created_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '2' }],
    })
    expect(family('sessionkit_sessions_active').type).toBe('GAUGE')
    expect(family('sessionkit_session_lookups_total').metrics).toEqual([
      { value: '2', labels: { result: 'hit' } },
      { value: '2', labels: { result: 'miss' } },
    ])
    expect(family('sessionkit_detections_total').metrics).toContainEqual({
      value: '1',
      labels: { kind: 'continued' },
    })
    expect(family('sessionkit_detect_seconds').type).toBe('HISTOGRAM')
    expect(family('sessionkit_rate_limit_decisions_total').metrics).toEqual([
      { value: '1', labels: { result: 'allowed' } },
      { value: '1', labels: { result: 'refused' } },
    ])
    expect(family('sessionkit_rate_limit_refusals_total').metrics).toEqual([
      { value: '1', labels: { rule: 'requests' } },
    ])
    expect(family('sessionkit_rate_limit_subjects')).toMatchObject({
      type: 'GAUGE',
      metrics: [{ value: '1' }],
    })
    // Each series of the histogram: cumulative buckets ending in +Inf = _count, and a _sum.
    for (const phase of ['hash', 'lookup']) {
      const series = text.split('\n').filter((l) => l.includes(`phase="${phase}"`))
      expect(series).toHaveLength(DETECT_BUCKETS.length + 3)
      expect(series.at(-1)).toBe(`sessionkit_detect_seconds_count{phase="${phase}"} 2`)
      expect(series.at(-3)).toBe(`sessionkit_detect_seconds_bucket{phase="${phase}",le="+Inf"} 2`)
      const counts = series.slice(0, -2).map((l) => Number(l.split(' ')[1]))
      expect(counts).toEqual([...counts].sort((a, b) => a - b))
    }
    await kit.close()
  })

  it('escapes label values and help text so a hostile value cannot forge a line', () => {
    const hostile = 'a"b\\c\nsessionkit_sessions_active 1e9'
    const snapshot: MetricsSnapshot = [
      {
        definition: {
          name: 'x_total',
          type: 'counter',
          help: 'line one\nline two \\ end',
          unit: '1',
          labels: ['code'],
        },
        samples: [{ labels: { code: hostile }, value: 1 }],
      },
    ]
    const text = toPrometheusText(snapshot)
    expect(text.split('\n').filter(Boolean)).toHaveLength(3)
    const [family] = parsePrometheusTextFormat(text)
    expect(family?.metrics[0]?.labels?.code).toBe(hostile)
    expect(family?.help).toBe('line one\nline two \\ end')
  })

  it('writes a metric found in two snapshots once, with the series of both', () => {
    const a = createDetector()
    const b = createDetector()
    a.detect({ messages: conversation.slice(0, 1) })
    const text = toPrometheusText(a.metrics(), b.metrics())
    expect(text.match(/# TYPE sessionkit_detections_total counter/g)).toHaveLength(1)
    expect(() => parsePrometheusTextFormat(text)).not.toThrow()
  })
})

describe('plain JSON', () => {
  it('keys metrics by name, labelled ones by label value, histograms as count, sum and buckets', async () => {
    const kit = await busyKit()
    const json = toMetricsJson(await kit.metrics())
    expect(json.sessionkit_session_lookups_total).toEqual({ hit: 2, miss: 2 })
    const hash = (
      json.sessionkit_detect_seconds as Record<string, { count: number; buckets: Record<string, number> }>
    ).hash
    expect(hash?.count).toBe(2)
    expect(hash?.buckets['+Inf']).toBe(2)
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
    await kit.close()
  })
})

/** A meter whose metrics an in-memory exporter collects on `collect()`. */
function inMemoryMeter() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const provider = new MeterProvider({ readers: [reader] })
  return {
    meter: provider.getMeter('sessionkit-test'),
    async collect() {
      await reader.forceFlush()
      const exported = exporter
        .getMetrics()
        .at(-1)!
        .scopeMetrics.flatMap((s) => s.metrics)
      return new Map(exported.map((m) => [m.descriptor.name, m]))
    },
    shutdown: () => provider.shutdown(),
  }
}

describe('OpenTelemetry', () => {
  it("registers a rate limiter's metrics on the Meter it is given", async () => {
    const otel = inMemoryMeter()
    const limiter = createRateLimiter({
      rules: [{ name: 'requests', per: 'tenant', limit: 1, windowMs: 60_000 }],
      meter: otel.meter,
    })
    await limiter.consume({ tenant: 't1' }, { requests: 1 })
    await limiter.consume({ tenant: 't1' }, { requests: 1 })
    const byName = await otel.collect()
    expect(
      byName.get('sessionkit_rate_limit_decisions')?.dataPoints.map((p) => [p.attributes, p.value]),
    ).toEqual([
      [{ result: 'allowed' }, 1],
      [{ result: 'refused' }, 1],
    ])
    expect(byName.get('sessionkit_rate_limit_memory_bytes')?.dataPointType).toBe(DataPointType.GAUGE)
    await otel.shutdown()
  })

  it('registers every metric on a Meter; an in-memory reader collects the same values', async () => {
    const otel = inMemoryMeter()
    // The real API type is accepted where sessionkit asks for its structural MetricsMeter.
    const typed: MetricsMeter = otelMetrics.getMeterProvider().getMeter('noop')
    expect(typed).toBeDefined()
    const kit = await busyKit(otel.meter)
    const byName = await otel.collect()
    const created = byName.get('sessionkit_sessions_created')!
    expect(created.dataPointType).toBe(DataPointType.SUM)
    expect(created.dataPoints[0]?.value).toBe(2)
    const lookups = byName.get('sessionkit_session_lookups')!
    expect(lookups.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ result: 'hit' }, 2],
      [{ result: 'miss' }, 2],
    ])
    expect(byName.get('sessionkit_sessions_active')?.dataPointType).toBe(DataPointType.GAUGE)
    expect(
      byName.get('sessionkit_rate_limit_refusals')?.dataPoints.map((p) => [p.attributes, p.value]),
    ).toEqual([[{ rule: 'requests' }, 1]])
    const detections = byName.get('sessionkit_detections')!
    expect(detections.dataPoints.find((p) => p.attributes.kind === 'continued')?.value).toBe(1)
    const seconds = byName.get('sessionkit_detect_seconds')!
    expect(seconds.dataPointType).toBe(DataPointType.HISTOGRAM)
    expect(seconds.descriptor.unit).toBe('s')
    const hash = seconds.dataPoints.find((p) => p.attributes.phase === 'hash')!.value as {
      count: number
      buckets: { boundaries: number[] }
    }
    expect(hash.count).toBe(2)
    expect(hash.buckets.boundaries).toEqual(DETECT_BUCKETS)
    await kit.close()
    await otel.shutdown()
  })
})
