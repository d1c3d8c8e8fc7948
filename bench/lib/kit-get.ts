// The awaited `kit.get(id)` against an awaited `LRUCache.get` with ttl over the same ids: the one
// measurement of the target (>= 0.5x), printed by kit.bench.ts and memory-footprint.bench.ts.
import { LRUCache } from 'lru-cache'
import { createSessionKit } from '../../src/kit.js'
import { cpuMicrosPerOp } from './measure.js'

/** The kit.get target: at least this fraction of an awaited `LRUCache.get`'s rate. */
export const KIT_GET_TARGET = 0.5

/** Measures and prints the awaited kit.get line; resolves the ratio. */
export async function reportKitGet(sessions = 10_000, ops = 200_000): Promise<number> {
  const kit = createSessionKit({ maxSessions: sessions * 2 })
  const cache = new LRUCache<string, object>({ max: sessions * 2, ttl: 3_600_000 })
  const ids: string[] = []
  for (let i = 0; i < sessions; i++) {
    const { id } = await kit.create()
    ids.push(id)
    cache.set(id, { createdAt: Date.now() })
  }
  const us = await cpuMicrosPerOp(
    {
      kitGet: async () => {
        for (let i = 0; i < ops; i++) await kit.get(ids[i % sessions] as string)
      },
      lruGet: async () => {
        for (let i = 0; i < ops; i++) await cache.get(ids[i % sessions] as string)
      },
    },
    ops,
  )
  await kit.close()
  const kitUs = us.kitGet as number
  const lruUs = us.lruGet as number
  const ratio = lruUs / kitUs
  console.log(
    `awaited kit.get ${kitUs.toFixed(3)} us vs awaited LRUCache.get (ttl) ${lruUs.toFixed(3)} us (CPU time per call, ${sessions} sessions, median of 7 rounds of ${ops}): ${ratio.toFixed(2)}x; target >= ${KIT_GET_TARGET}x ${ratio >= KIT_GET_TARGET ? 'PASS' : 'MISS'}`,
  )
  return ratio
}
