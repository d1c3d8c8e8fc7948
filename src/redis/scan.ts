import { SessionKitError } from '../errors.js'
import { isRecordIdPrefix } from '../ids.js'
import { checkScanOptions } from '../store/arguments.js'
import { asArray, type RedisContext } from './context.js'
import { scripts } from './lua/scripts.js'
import { withDeadline } from './script-call.js'

/**
 * Every live record id starting with `prefix`: SCAN on every master (no index key), each header
 * found then asked whether it is live by the store's clock (one keyed call per record, sent
 * together, so every key a script reads is in its KEYS), de-duplicated (SCAN may repeat a key
 * while Redis resizes its table).
 */
export async function* scanIds(
  ctx: RedisContext,
  options: { readonly prefix?: string; readonly batchSize?: number } = {},
): AsyncGenerator<readonly string[]> {
  const { prefix: idPrefix, batchSize: count } = checkScanOptions(options, ctx.options.scanCount, 'scan')
  // No id holds a character outside the id charset (glob characters among them): nothing to scan.
  if (!isRecordIdPrefix(idPrefix)) return
  const header = ctx.header('')
  const open = header.slice(0, -1)
  const match = `${open}${idPrefix}*}`
  const seen = new Set<string>()
  let batch: string[] = []
  const { client, commandTimeoutMs, prefix } = ctx.options
  const masters = await withDeadline(client.masters(), commandTimeoutMs, 'scan', prefix)
  if (masters.length === 0) {
    throw new SessionKitError(
      'STORE_UNAVAILABLE',
      'the Redis client knows no masters to scan; connect the cluster client before scanning',
    )
  }
  for (const master of masters) {
    let cursor = '0'
    do {
      const args = [...ctx.base(), cursor, match, String(count)]
      const reply = asArray(await ctx.call(scripts.scan, [], args, master), 'scan')
      cursor = String(reply[0])
      const found = reply.slice(1).map(String)
      const live = await Promise.all(found.map((key) => ctx.call(scripts.live, [key], ctx.base())))
      for (const [i, key] of found.entries()) {
        const id = key.slice(open.length, -1)
        if (Number(live[i]) === 0 || seen.has(id)) continue
        seen.add(id)
        batch.push(id)
        if (batch.length === count) {
          yield batch
          batch = []
        }
      }
    } while (cursor !== '0')
  }
  if (batch.length > 0) yield batch
}

/** How many live records start with `prefix`: a full scan, counted (`estimateCount` reads counters). */
export async function countIds(
  ctx: RedisContext,
  options: { readonly prefix?: string } | undefined,
): Promise<number> {
  const { prefix } = checkScanOptions(options, ctx.options.scanCount, 'count')
  let n = 0
  for await (const batch of scanIds(ctx, { prefix })) n += batch.length
  return n
}
