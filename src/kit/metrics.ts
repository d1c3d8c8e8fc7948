import { summaryCounts } from '../history/summary-store.js'
import { byLabel, single } from '../metrics/build.js'
import { kitMetrics as defs, limiterMetrics } from '../metrics/catalog.js'
import { bindMeter } from '../metrics/otel.js'
import type { MetricsSnapshot } from '../metrics/types.js'
import type { SessionStore } from '../store/contract.js'
import { warningCodes } from '../warnings.js'
import { type KitCore, type KitCounters, USER_RECORD_PREFIX } from './core.js'

/** A fresh set of the kit's counters, every labelled series at zero. */
export function createKitCounters(): KitCounters {
  return {
    created: 0,
    ended: 0,
    expired: 0,
    evicted: 0,
    rotated: 0,
    hits: 0,
    misses: 0,
    conflicts: 0,
    storeErrors: { STORE_UNAVAILABLE: 0, STORE_REJECTED: 0 },
    warnings: Object.fromEntries(warningCodes.map((code) => [code, 0])),
  }
}

/**
 * The kit's metrics, in the catalogue's order, from its counters, the summariser's failures (kept
 * by the history module, also behind `kit.stats().summaries`) and the store's live count
 * (`undefined` when the store could not answer: the gauge then has no sample).
 */
export function kitSnapshot(
  counters: KitCounters,
  summariesFailed: number,
  active: number | undefined,
): MetricsSnapshot {
  const c = counters
  return [
    active === undefined
      ? { definition: defs.sessionsActive, samples: [] }
      : single(defs.sessionsActive, active),
    single(defs.sessionsCreated, c.created),
    byLabel(defs.sessionsEnded, { ended: c.ended, expired: c.expired, evicted: c.evicted }),
    single(defs.sessionsRotated, c.rotated),
    byLabel(defs.lookups, { hit: c.hits, miss: c.misses }),
    byLabel(defs.storeErrors, c.storeErrors),
    single(defs.conflicts, c.conflicts),
    single(defs.summariesFailed, summariesFailed),
    byLabel(defs.warnings, c.warnings),
  ]
}

/** Live sessions: the store's records less the user records (its `estimateCount` counters where it has them). */
export async function activeSessions(store: SessionStore): Promise<number> {
  // Counters where the store keeps them (no scan), else a count.
  const count = (prefix: string) =>
    store.estimateCount === undefined ? store.count({ prefix }) : store.estimateCount({ prefix })
  const [records, users] = await Promise.all([count(''), count(USER_RECORD_PREFIX)])
  return records - users
}

/**
 * Collects the kit's own metrics, then its rate limiter's when the kit has rules, and registers
 * them on the `meter` option when there is one. A store that is down fails the live count, not
 * the metrics: they matter most then.
 */
export function kitMetricsSource(core: KitCore): () => Promise<MetricsSnapshot> {
  const hasLimits = core.options.limits !== undefined
  const collect = async (): Promise<MetricsSnapshot> => {
    const active = await activeSessions(core.store).catch(() => undefined)
    const own = kitSnapshot(core.counters, summaryCounts(core.options.history).failures, active)
    return hasLimits ? [...own, ...core.limiter().metrics()] : own
  }
  const meter = core.options.meter
  if (meter !== undefined) {
    bindMeter(meter, [...Object.values(defs), ...(hasLimits ? Object.values(limiterMetrics) : [])], collect)
  }
  return collect
}
