import { isRecordIdPrefix } from '../ids.js'
import { checkScanOptions } from '../store/arguments.js'
import type { PostgresContext } from './context.js'

const DEFAULT_BATCH = 500

// Every record id holds only characters below U+007F, so the ids starting with `prefix` are exactly
// those in [prefix, prefix + U+007F) byte by byte (the "C" collation): an index range, no LIKE.
const upperBound = (prefix: string): string => `${prefix}\u007f`

/**
 * Every live record id starting with `prefix`, in id order: one short statement per batch that
 * goes on after the last id of the one before (keyset paging), so no transaction or lock is held
 * between batches. A record created during the scan may or may not be seen.
 */
export async function* scanIds(
  ctx: PostgresContext,
  options: { readonly prefix?: string; readonly batchSize?: number } = {},
): AsyncGenerator<readonly string[]> {
  const { prefix, batchSize } = checkScanOptions(options, DEFAULT_BATCH, 'scan')
  // No id holds a character outside the id charset: nothing to scan.
  if (!isRecordIdPrefix(prefix)) return
  const upper = upperBound(prefix)
  let after = ''
  for (;;) {
    const result = await ctx.run(ctx.sql.scan, [prefix, after, upper, ctx.options.clock.now(), batchSize])
    const ids = result.rows.map((row) => String(row.id))
    if (ids.length > 0) yield ids
    if (ids.length < batchSize) return
    after = ids[ids.length - 1]!
  }
}

/** How many live records start with `prefix`: one count over the id index range. */
export async function countIds(
  ctx: PostgresContext,
  options: { readonly prefix?: string } | undefined,
): Promise<number> {
  const { prefix } = checkScanOptions(options, DEFAULT_BATCH, 'count')
  if (!isRecordIdPrefix(prefix)) return 0
  const result = await ctx.run(ctx.sql.count, [prefix, upperBound(prefix), ctx.options.clock.now()])
  return Number(result.rows[0]?.n ?? 0)
}
