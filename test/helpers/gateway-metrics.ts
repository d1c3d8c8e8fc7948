import { expect } from 'vitest'
import type { gatewayMetrics } from '../../examples/gateway-metrics.js'

/** What the gateway's `GET /metrics` answers. */
export type GatewayMetrics = ReturnType<typeof gatewayMetrics>

/**
 * Fetches `GET /metrics` of the gateway at `url` and checks it has the shape the gateway's
 * documentation promises (../shared/seeds): snake_case keys, nested under `sessions` and
 * `performance`, in that order.
 */
export async function seedShapedMetrics(url: string): Promise<GatewayMetrics> {
  const metrics = (await (await fetch(`${url}/metrics`)).json()) as GatewayMetrics
  expect(Object.keys(metrics)).toEqual(['sessions', 'performance'])
  expect(Object.keys(metrics.sessions)).toEqual([
    'active_count',
    'total_created',
    'cache_hit_rate',
    'fuzzy_matches',
    'average_session_length',
    'longest_session',
  ])
  expect(Object.keys(metrics.performance)).toEqual(['session_lookup_ms', 'hash_computation_ms'])
  return metrics
}
