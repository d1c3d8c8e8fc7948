import { createManualClock, type ManualClock } from '../../src/clock.js'
import { createDetector, type DetectorOptionsInput, type SharedDetector } from '../../src/detect/index.js'
import { type RedisDetectionIndexOptions, redisDetectionIndex } from '../../src/redis/index.js'
import { type TestClient, uniquePrefix } from '../helpers/redis-clients.js'
import { T0 } from './helpers.js'

/** Gateway replicas sharing one detection index, each on its own connection. */
export interface Replicas {
  readonly detectors: readonly SharedDetector[]
  readonly clock: ManualClock
  /** Round trips to Redis made by every replica together. */
  roundTrips(): number
  close(): Promise<void>
}

/**
 * `count` detectors on one Redis (standalone or Cluster, by `connect`), under one fresh prefix, on
 * one manual clock at T0: what `count` gateway processes behind a load balancer share.
 */
export async function sharedReplicas(
  count: number,
  connect: () => Promise<TestClient>,
  options: Omit<DetectorOptionsInput, 'clock' | 'index'> = {},
  index: Omit<RedisDetectionIndexOptions, 'client'> = {},
): Promise<Replicas> {
  const clock = createManualClock(T0)
  const prefix = uniquePrefix()
  const connections = await Promise.all(Array.from({ length: count }, connect))
  const indexes = connections.map((c) =>
    redisDetectionIndex({ client: c.client, prefix, commandTimeoutMs: 5_000, ...index }),
  )
  return {
    detectors: indexes.map((i) => createDetector({ ...options, clock, index: i })),
    clock,
    roundTrips: () => indexes.reduce((sum, i) => sum + i.roundTrips, 0),
    close: async () => {
      await Promise.all(connections.map((c) => c.close()))
    },
  }
}
