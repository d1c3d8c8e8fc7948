import { type DetectionKind, type DetectorMetrics, detectionKinds, type Percentiles } from './types.js'

const SAMPLES = 1024

/** The last 1,024 timings in a fixed ring: bounded memory, percentiles of recent traffic. */
class Reservoir {
  readonly #values = new Float64Array(SAMPLES)
  #count = 0

  add(ms: number): void {
    this.#values[this.#count % SAMPLES] = ms
    this.#count++
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

/** The counters behind `metrics()`; the detector updates them, `snapshot` reads them. */
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
  readonly lookup = new Reservoir()
  readonly hash = new Reservoir()

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

  snapshot(active: number, indexKeys: number): DetectorMetrics {
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
}
