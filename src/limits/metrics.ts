import { byLabel, single } from '../metrics/build.js'
import { limiterMetrics as defs } from '../metrics/catalog.js'
import type { Metric, MetricsSnapshot } from '../metrics/types.js'
import type { MemoryLimits } from './memory-backend.js'
import type { LimitResult } from './result.js'
import type { CompiledRule } from './rules.js'

/** What a limiter counts, for `stats()` and `metrics()`: this process's calls since it was made. */
export interface LimiterCounts {
  allowed: number
  denied: number
  /** Calls in which the store failed and rules answered by their `onStoreError`. */
  storeErrors: number
  /** Refusals by rule name, every rule listed from the start (a rate over it starts at zero). */
  readonly refusedBy: Record<string, number>
}

/** Counts at zero for `rules`. */
export function createLimiterCounts(rules: readonly CompiledRule[]): LimiterCounts {
  const refusedBy: Record<string, number> = Object.create(null)
  for (const rule of rules) refusedBy[rule.name] = 0
  return { allowed: 0, denied: 0, storeErrors: 0, refusedBy }
}

/** Counts one decision. */
export function countDecision(counts: LimiterCounts, result: LimitResult): void {
  if (result.storeError !== undefined) counts.storeErrors++
  if (result.allowed) counts.allowed++
  else {
    counts.denied++
    for (const name of result.limited) counts.refusedBy[name] = (counts.refusedBy[name] ?? 0) + 1
  }
}

/** The limiter's metrics, in the catalogue's order; the memory gauges are empty on a store. */
export function limiterSnapshot(counts: LimiterCounts, memory: MemoryLimits | undefined): MetricsSnapshot {
  const memoryOnly = (metric: Metric): Metric => (memory === undefined ? { ...metric, samples: [] } : metric)
  return [
    byLabel(defs.decisions, { allowed: counts.allowed, refused: counts.denied }),
    byLabel(defs.refusals, counts.refusedBy),
    single(defs.storeErrors, counts.storeErrors),
    memoryOnly(single(defs.subjects, memory?.keys ?? 0)),
    memoryOnly(single(defs.bytes, memory?.bytes ?? 0)),
    memoryOnly(single(defs.evicted, memory?.evicted ?? 0)),
  ]
}
