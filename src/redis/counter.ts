import { invalidArgument } from '../errors.js'
import { checkScanOptions } from '../store/arguments.js'
import type { RedisContext } from './context.js'
import { scripts } from './lua/scripts.js'
import { SLOTS } from './slots.js'

/** Counter calls in flight at once on a Cluster (one per slot). */
const CONCURRENCY = 256

/** A class of records the counters keep apart: an id's start up to its first `:`. */
const classPattern = /^[A-Za-z0-9_\-.@]+:$/

/**
 * `estimateCount`: live records of a class (`''` for all) from the counters the scripts keep
 * (_lib.lua, `count_move`), without a scan: one call on a single server, one per slot on a
 * Cluster (16,384, sent `CONCURRENCY` at a time). Exact but for records that expired in the
 * current minute, which still count.
 *
 * @example
 * const sessions = (await estimateCount(ctx, {})) - (await estimateCount(ctx, { prefix: 'user:' }))
 */
export async function estimateCount(
  ctx: RedisContext,
  options: { readonly prefix?: string } | undefined,
): Promise<number> {
  const { prefix } = checkScanOptions(options, ctx.options.scanCount, 'count')
  if (prefix !== '' && !classPattern.test(prefix)) {
    throw invalidArgument(
      `estimateCount counts a class of records: '' or an id's start up to its first ":" (such as "user:"); got "${prefix}". Use count() for any prefix`,
    )
  }
  const args = [...ctx.base(), prefix === '' ? '*' : prefix]
  const read = async (slot: number) => Number(await ctx.call(scripts.countLive, [ctx.counterKey(slot)], args))
  if (ctx.options.client.cluster === false) return await read(0)
  let total = 0
  for (let from = 0; from < SLOTS; from += CONCURRENCY) {
    const slots = Array.from({ length: Math.min(CONCURRENCY, SLOTS - from) }, (_, i) => from + i)
    const counts = await Promise.all(slots.map(read))
    for (const n of counts) total += n
  }
  return total
}
