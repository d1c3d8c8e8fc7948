// The gateway's GET /metrics in the shape its documentation promises, from sessionkit's metrics.
import type { DetectionKind } from '../src/detect/index.js'
import type { MetricJson } from '../src/metrics/index.js'

type Histograms = Record<string, { count: number; sum: number }>

/**
 * The metrics in the shape the gateway's documentation promises (snake_case, under `sessions` and
 * `performance`), computed from the detector's metrics: timings are means in milliseconds.
 */
export function gatewayMetrics(json: Record<string, MetricJson>) {
  const kinds = json.sessionkit_detections_total as Record<DetectionKind, number>
  const requests = Object.values(kinds).reduce((a, b) => a + b, 0)
  const created = json.sessionkit_detector_sessions_created_total as number
  const seconds = json.sessionkit_detect_seconds as Histograms
  const meanMs = (phase: string) => {
    const h = seconds[phase]
    return h === undefined || h.count === 0 ? 0 : round((h.sum / h.count) * 1000)
  }
  return {
    sessions: {
      active_count: json.sessionkit_detector_sessions_active as number,
      total_created: created,
      cache_hit_rate: requests === 0 ? 0 : round((requests - kinds.new - kinds.fragmented) / requests),
      fuzzy_matches: kinds.fuzzy,
      average_session_length:
        created === 0 ? 0 : round((json.sessionkit_detector_messages_total as number) / created),
      longest_session: json.sessionkit_detector_longest_session_messages as number,
    },
    performance: { session_lookup_ms: meanMs('lookup'), hash_computation_ms: meanMs('hash') },
  }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
