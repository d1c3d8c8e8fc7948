import { assertRecordId } from '../ids.js'
import { checkCreateArgs, checkPatchMetaArgs, checkTime } from '../store/arguments.js'
import type { CreateOptions, JsonValue, PatchMetaOptions, RecordMeta } from '../store/contract.js'
import { withinStep } from '../store/touch-decision.js'
import type { PostgresContext } from './context.js'
import { decodeFacts, encodeFacts, splitPatch, throwForStatus, toMeta } from './replies.js'

/**
 * `create`: one function call that refuses a live id or a live tombstone, clears what an expired
 * record left, and keeps the tombstone asked for with the new row.
 */
export async function createRecord(
  ctx: PostgresContext,
  id: string,
  options: CreateOptions,
): Promise<boolean> {
  const now = ctx.options.clock.now()
  checkCreateArgs(id, options, now)
  const facts = options.data === undefined ? {} : encodeFacts(options.data, ctx.options.maxValueBytes, 'data')
  const data = JSON.stringify(facts)
  const result = await ctx.run(ctx.sql.create, [
    id,
    now,
    options.expiresAt,
    data,
    options.tombstoneUntil ?? null,
  ])
  return result.rows[0]?.r === true
}

/** `meta`: the header of a live record, or `undefined`. */
export async function readMeta(ctx: PostgresContext, id: string): Promise<RecordMeta | undefined> {
  return (await readHeader(ctx, id))?.meta
}

/** The `meta` statement's row of a live record (facts as stored) and the header made of it. */
export async function readHeader(
  ctx: PostgresContext,
  id: string,
): Promise<{ row: Record<string, unknown>; meta: RecordMeta } | undefined> {
  assertRecordId(id)
  const result = await ctx.run(ctx.sql.meta, [id, ctx.options.clock.now()])
  const row = result.rows[0]
  return row === undefined ? undefined : { row, meta: toMeta(id, row) }
}

/** `patchMeta`: changes header facts when every `ifData` condition holds (compared as canonical JSON). */
export async function patchMeta(
  ctx: PostgresContext,
  id: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: PatchMetaOptions = {},
): Promise<RecordMeta | undefined> {
  checkPatchMetaArgs(id, patch, options)
  const conditions = options.ifData ?? {}
  const max = ctx.options.maxValueBytes
  const ifData = encodeFacts(conditions, max, 'ifData')
  const { set, remove } = splitPatch(encodeFacts(patch, max, 'patch'))
  const reply = await ctx.reply(ctx.sql.patchMeta, [
    id,
    ctx.options.clock.now(),
    options.expiresAt ?? null,
    JSON.stringify(ifData),
    JSON.stringify(set),
    remove,
  ])
  throwForStatus(reply, id, '')
  if (reply[0] === 'failed') return undefined
  return { id, createdAt: Number(reply[1]), expiresAt: Number(reply[2]), data: decodeFacts(reply[3]) }
}

/**
 * `touch`: moves the record's expiry (one statement; not by less than `touchStepMs`, and under a
 * step the plain header read first, the touch statement only when the expiry moves); parts without
 * their own expiry follow it.
 */
export async function touchRecord(ctx: PostgresContext, id: string, expiresAt: number): Promise<boolean> {
  assertRecordId(id)
  checkTime(expiresAt, 'expiresAt')
  const step = ctx.options.touchStepMs
  // Under a step, the plain header read first: most touches end there (see touchMeta).
  if (step > 0) {
    const header = await readHeader(ctx, id)
    if (header === undefined) return false
    if (withinStep(header.meta.expiresAt, expiresAt, step)) return true
  }
  const result = await ctx.run(ctx.sql.touch, [id, ctx.options.clock.now(), expiresAt, step])
  return result.rowCount === 1
}

/** `delete`: removes the record and its parts; `true` when it was live. */
export async function deleteRecord(ctx: PostgresContext, id: string): Promise<boolean> {
  assertRecordId(id)
  ctx.values.deleteRecord(id)
  const result = await ctx.run(ctx.sql.delete, [id, ctx.options.clock.now()])
  return result.rows[0]?.r === true
}
