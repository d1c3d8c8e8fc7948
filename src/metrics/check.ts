import { invalidArgument } from '../errors.js'
import type { MetricsSnapshot } from './types.js'

/**
 * Checks the outline of what an exporter is given: arrays of metrics, each with a `definition`
 * naming it and its `samples`, as `kit.metrics()` returns. Anything else is `INVALID_ARGUMENT`
 * naming the exporter, never a `TypeError` from deep inside it.
 */
export function checkSnapshots(
  snapshots: readonly unknown[],
  what: string,
): asserts snapshots is MetricsSnapshot[] {
  snapshots.forEach((snapshot, i) => {
    if (!Array.isArray(snapshot)) {
      throw invalidArgument(
        `${what} takes metrics snapshots (arrays, as kit.metrics() returns); argument ${i + 1} is not an array`,
      )
    }
    for (const metric of snapshot as unknown[]) {
      const definition = (metric as { definition?: { name?: unknown } } | null)?.definition
      if (typeof definition?.name !== 'string' || !Array.isArray((metric as { samples?: unknown }).samples)) {
        throw invalidArgument(
          `${what}: argument ${i + 1} holds an entry that is not a metric ({ definition, samples })`,
        )
      }
    }
  })
}
