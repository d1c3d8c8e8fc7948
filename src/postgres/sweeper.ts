import { SessionKitError } from '../errors.js'
import type { PostgresContext } from './context.js'
import { limitStatements } from './limits/statements.js'

/** What one `sweep()` removed. */
export interface SweepResult {
  /** Expired records deleted, with all their parts. */
  readonly records: number
  /** Parts emptied because their own expiry passed (their records live on). */
  readonly parts: number
  /** Tombstones deleted because they ended (their ids may be created again). */
  readonly tombstones: number
  /** Rate-limit rows deleted because their state stopped mattering (one per rule and subject). */
  readonly rateLimits: number
}

/**
 * Deletes what expired (records, parts, tombstones, rate-limit rows) more than `expiryGraceMs`
 * ago, up to `sweepBatchSize` rows of each per statement, until a statement finds less than a full
 * batch. Each statement is its own short transaction and skips rows another one holds, so sweeps
 * from several processes neither block each other nor a write.
 */
export async function sweep(ctx: PostgresContext): Promise<SweepResult> {
  const { clock, expiryGraceMs, sweepBatchSize } = ctx.options
  const total = { records: 0, parts: 0, tombstones: 0, rateLimits: 0 }
  for (let full = true; full; ) {
    const result = await ctx.run(ctx.sql.sweep, [clock.now() - expiryGraceMs, sweepBatchSize])
    const row = result.rows[0] ?? {}
    full = false
    for (const key of ['records', 'parts', 'tombstones'] as const) {
      const removed = Number(row[key] ?? 0)
      total[key] += removed
      full ||= removed >= sweepBatchSize
    }
  }
  const limits = limitStatements(ctx.options).sweep
  for (let full = true; full; ) {
    const result = await ctx.run(limits, [clock.now() - expiryGraceMs, sweepBatchSize])
    const removed = Number(result.rows[0]?.n ?? 0)
    total.rateLimits += removed
    full = removed >= sweepBatchSize
  }
  return total
}

/**
 * Runs `sweep()` every `sweepIntervalMs` on an unref'd timer (never two at once); failures go to
 * `onSweepError`, else become a process warning. Returns the function that stops it.
 */
export function startSweeper(ctx: PostgresContext): () => void {
  const { sweepIntervalMs, onSweepError } = ctx.options
  if (sweepIntervalMs === 0) return () => {}
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    sweep(ctx)
      .catch((error: unknown) => report(error, onSweepError))
      .finally(() => {
        running = false
      })
  }, sweepIntervalMs)
  timer.unref()
  return () => clearInterval(timer)
}

function report(error: unknown, onSweepError: ((error: SessionKitError) => void) | undefined): void {
  const failure =
    error instanceof SessionKitError
      ? error
      : new SessionKitError('STORE_UNAVAILABLE', `the Postgres sweeper failed: ${String(error)}`, {
          cause: error,
        })
  if (onSweepError !== undefined) onSweepError(failure)
  else process.emitWarning(failure)
}
