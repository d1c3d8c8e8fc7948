import { SessionKitError } from '../errors.js'
import type { PostgresContext } from './context.js'

/** What one `sweep()` removed. */
export interface SweepResult {
  /** Expired records deleted, with all their parts. */
  readonly records: number
  /** Parts emptied because their own expiry passed (their records live on). */
  readonly parts: number
}

/**
 * Deletes what expired more than `expiryGraceMs` ago, `sweepBatchSize` rows per statement, until a
 * statement finds less than a full batch. Each statement is its own short transaction and skips
 * rows another one holds, so sweeps from several processes neither block each other nor a write.
 */
export async function sweep(ctx: PostgresContext): Promise<SweepResult> {
  const { clock, expiryGraceMs, sweepBatchSize } = ctx.options
  let records = 0
  let parts = 0
  for (;;) {
    const result = await ctx.run(ctx.sql.sweep, [clock.now() - expiryGraceMs, sweepBatchSize])
    const row = result.rows[0] ?? {}
    const batch = { records: Number(row.records ?? 0), parts: Number(row.parts ?? 0) }
    records += batch.records
    parts += batch.parts
    if (batch.records < sweepBatchSize && batch.parts < sweepBatchSize) return { records, parts }
  }
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
