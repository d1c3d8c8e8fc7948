import { SessionKitError } from '../errors.js'
import { assertPartName, assertRecordId, recordLabel } from '../ids.js'
import { checkMergeValueArgs, checkTouchMetaArgs, mergeTooLarge } from '../store/arguments-combined.js'
import type {
  JsonValue,
  MergeValueOptions,
  TouchMetaOptions,
  TouchMetaResult,
  Versioned,
} from '../store/contract.js'
import { deepMerge } from '../util/deep-merge.js'
import { checkJson } from '../util/json.js'
import type { PostgresContext } from './context.js'
import { decodeFacts, encodeFacts, throwForStatus } from './replies.js'
import { getValue, setValue } from './values.js'

// The calls that do two things in one statement: read-and-touch, and merge without a read.

type MergedValue = Versioned<Readonly<Record<string, JsonValue>>>

/** `touchMeta`: one UPDATE that moves the expiry (capped, when the owner check holds) and returns the header. */
export async function touchMeta(
  ctx: PostgresContext,
  id: string,
  expiresAt: number,
  options: TouchMetaOptions = {},
): Promise<TouchMetaResult | undefined> {
  assertRecordId(id)
  checkTouchMetaArgs(expiresAt, options)
  const conditions = encodeFacts(options.ifDataAbsentOr ?? {}, ctx.options.maxValueBytes, 'ifDataAbsentOr')
  const result = await ctx.run(ctx.sql.touchMeta, [
    id,
    ctx.options.clock.now(),
    expiresAt,
    options.notAfter === undefined ? null : JSON.stringify(options.notAfter),
    JSON.stringify(conditions),
  ])
  const row = result.rows[0]
  if (row === undefined) return undefined
  const meta = {
    id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    data: decodeFacts(row.data),
  }
  return { meta, touched: row.touched === true }
}

/**
 * `mergeValue`: the merge done by the server in one function call (see 009-merge-value.sql). When
 * the stored value or the patch holds an escape PostgreSQL text cannot take (NUL, a lone
 * surrogate), the function changes nothing and the merge is done here with compare-and-set.
 */
export async function mergeValue(
  ctx: PostgresContext,
  id: string,
  part: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: MergeValueOptions = {},
): Promise<MergedValue> {
  assertRecordId(id)
  assertPartName(part)
  checkMergeValueArgs(patch, options)
  const maxBytes = Math.min(options.maxBytes ?? Number.POSITIVE_INFINITY, ctx.options.maxValueBytes)
  const text = checkJson(patch, { maxBytes: ctx.options.maxValueBytes }, 'patch')
  const reply = await ctx.reply(ctx.sql.mergeValue, [
    id,
    part,
    ctx.options.clock.now(),
    text,
    maxBytes,
    options.expiresAt ?? null,
    options.partExpiresAt ?? null,
  ])
  throwForStatus(reply, id, part)
  if (reply[0] === 'limit') throw mergeTooLarge(part, Number(reply[1]), maxBytes)
  if (reply[0] === 'text') return mergeHere(ctx, id, part, patch, options, maxBytes)
  return { value: reply[2] as Record<string, JsonValue>, version: Number(reply[1]) }
}

// Tries before a merge done here gives up: each retry means another write landed in between.
const MERGE_TRIES = 16

/** The merge read, done and written back with compare-and-set, retried when another write won. */
async function mergeHere(
  ctx: PostgresContext,
  id: string,
  part: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: MergeValueOptions,
  maxBytes: number,
): Promise<MergedValue> {
  for (let attempt = 0; attempt < MERGE_TRIES; attempt++) {
    const current = await getValue<JsonValue>(ctx, id, part)
    const merged = deepMerge(current?.value, patch)
    const bytes = Buffer.byteLength(JSON.stringify(merged), 'utf8')
    if (bytes > maxBytes) throw mergeTooLarge(part, bytes, maxBytes)
    const written = await setValue(ctx, id, part, merged, {
      ifVersion: current?.version ?? 0,
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
      ...(options.partExpiresAt === undefined ? {} : { partExpiresAt: options.partExpiresAt }),
    })
    if (written.ok) return { value: merged, version: written.version }
  }
  throw new SessionKitError(
    'CONFLICT',
    `mergeValue on part "${part}" of record ${recordLabel(id)} lost to another write ${MERGE_TRIES} times in a row; retry the call`,
    { details: { record: recordLabel(id), part } },
  )
}
