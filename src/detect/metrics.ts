import { byLabel, histogram, single } from '../metrics/build.js'
import { detectorMetrics as defs } from '../metrics/catalog.js'
import { Histogram } from '../metrics/histogram.js'
import type { HistogramListener } from '../metrics/otel.js'
import type { MetricsSnapshot } from '../metrics/types.js'
import { type DetectionKind, type DetectorStats, detectionKinds, type Percentiles } from './types.js'

const SAMPLES = 1024

/**
 * The last 1,024 timings in a fixed ring (bounded memory, percentiles of recent traffic), and
 * every timing in the histogram of `sessionkit_detect_seconds`.
 */
class Reservoir {
  readonly #values = new Float64Array(SAMPLES)
  #count = 0
  readonly histogram = new Histogram(defs.detectSeconds.buckets)

  constructor(readonly labels: { readonly phase: string }) {}

  add(ms: number, listener: HistogramListener | undefined): void {
    this.#values[this.#count % SAMPLES] = ms
    this.#count++
    this.histogram.observe(ms / 1000)
    listener?.(defs.detectSeconds, ms / 1000, this.labels)
  }

  percentiles(): Percentiles {
    const n = Math.min(this.#count, SAMPLES)
    if (n === 0) return { p50: 0, p99: 0 }
    const sorted = this.#values.slice(0, n).sort()
    return { p50: sorted[Math.floor((n - 1) * 0.5)]!, p99: sorted[Math.floor((n - 1) * 0.99)]! }
  }
}

/** Why a session left the index. */
export type EvictionReason = 'capacity' | 'idle' | 'forgotten'

/** The counters behind `stats()` and `metrics()`; the detector updates them and reads them. */
export class DetectorCounters {
  requests = 0
  hits = 0
  explicit = 0
  systemChanged = 0
  resets = 0
  repliesBound = 0
  totalCreated = 0
  messagesSeen = 0
  longestSession = 0
  bytesHashed = 0
  readonly byKind: Record<DetectionKind, number> = {
    new: 0,
    continued: 0,
    retry: 0,
    fork: 0,
    fuzzy: 0,
    reset: 0,
    fragmented: 0,
  }
  readonly evictions = { capacity: 0, idle: 0, forgotten: 0 }
  readonly lookup = new Reservoir({ phase: 'lookup' })
  readonly hash = new Reservoir({ phase: 'hash' })
  /** Called on a capacity eviction: a conversation still active was dropped. */
  onCapacityEviction: (() => void) | undefined

  /** A session left the index for `reason`. */
  evicted(reason: EvictionReason): void {
    this.evictions[reason]++
    if (reason === 'capacity') this.onCapacityEviction?.()
  }

  /** A request was placed as `kind`: every kind but a new session counts as a hit. */
  placed(kind: DetectionKind): void {
    this.byKind[kind]++
    if (kind !== 'new' && kind !== 'fragmented') this.hits++
  }

  /** A session grew by `added` messages and now has `length`. */
  grew(added: number, length: number): void {
    this.messagesSeen += added
    if (length > this.longestSession) this.longestSession = length
  }

  stats(active: number, indexKeys: number): DetectorStats {
    const byKind = {} as Record<DetectionKind, number>
    for (const k of detectionKinds) byKind[k] = this.byKind[k]
    return {
      active,
      totalCreated: this.totalCreated,
      requests: this.requests,
      hitRate: this.requests === 0 ? 0 : this.hits / this.requests,
      byKind,
      explicit: this.explicit,
      systemChanged: this.systemChanged,
      resets: this.resets,
      repliesBound: this.repliesBound,
      evictions: { ...this.evictions },
      averageSessionLength: this.totalCreated === 0 ? 0 : this.messagesSeen / this.totalCreated,
      longestSession: this.longestSession,
      lookupMs: this.lookup.percentiles(),
      hashMs: this.hash.percentiles(),
      bytesHashed: this.bytesHashed,
      indexKeys,
    }
  }

  /** The metrics of `detector.metrics()`, in the catalogue's order. */
  metrics(active: number, indexKeys: number): MetricsSnapshot {
    return [
      single(defs.sessionsActive, active),
      single(defs.sessionsCreated, this.totalCreated),
      byLabel(defs.detections, this.byKind),
      histogram(defs.detectSeconds, [
        this.hash.histogram.sample(this.hash.labels),
        this.lookup.histogram.sample(this.lookup.labels),
      ]),
      byLabel(defs.evictions, this.evictions),
      single(defs.repliesBound, this.repliesBound),
      single(defs.messages, this.messagesSeen),
      single(defs.longestSession, this.longestSession),
      single(defs.indexKeys, indexKeys),
      single(defs.bytesHashed, this.bytesHashed),
    ]
  }
}
