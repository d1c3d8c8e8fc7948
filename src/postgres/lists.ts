import { assertPartName, assertRecordId } from '../ids.js'
import { checkPushArgs, checkRangeArgs, checkSeqQuery } from '../store/arguments.js'
import {
  IDEMPOTENCY_WINDOW,
  type JsonValue,
  type ListEntry,
  type PushOptions,
  type PushResult,
  type RangeResult,
  type SeqQuery,
} from '../store/contract.js'
import { pushResultOf } from '../store/store-replies.js'
import { checkJson } from '../util/json.js'
import type { PostgresContext } from './context.js'
import { throwForStatus } from './replies.js'

/** `push`: append, trim to `max`, number and remember the idempotency key, in one function call. */
export async function push(
  ctx: PostgresContext,
  id: string,
  part: string,
  values: readonly JsonValue[],
  options: PushOptions,
): Promise<PushResult> {
  assertRecordId(id)
  assertPartName(part)
  checkPushArgs(values, options)
  const limits = { maxBytes: ctx.options.maxValueBytes }
  const texts = values.map((value, i) => checkJson(value, limits, `list entry [${i}]`))
  const key = options.idempotencyKey
  const reply = await ctx.reply(ctx.sql.push, [
    id,
    part,
    ctx.options.clock.now(),
    options.max,
    key === undefined ? null : JSON.stringify(key),
    IDEMPOTENCY_WINDOW,
    options.expiresAt ?? null,
    options.partExpiresAt ?? null,
    texts,
  ])
  throwForStatus(reply, id, part)
  return pushResultOf(reply)
}

/** `range`: entries by `LRANGE` indices; the function turns them into a seq window. */
export async function range<T>(
  ctx: PostgresContext,
  id: string,
  part: string,
  start: number,
  stop: number,
): Promise<RangeResult<T>> {
  assertRecordId(id)
  assertPartName(part)
  checkRangeArgs(start, stop)
  const reply = await ctx.reply(ctx.sql.range, [id, part, ctx.options.clock.now(), start, stop])
  return toRange<T>(reply, id, part)
}

/** `rangeBySeq`: entries by seq window, the newest or the oldest `limit` of it. */
export async function rangeBySeq<T>(
  ctx: PostgresContext,
  id: string,
  part: string,
  query: SeqQuery,
): Promise<RangeResult<T>> {
  assertRecordId(id)
  assertPartName(part)
  checkSeqQuery(query)
  const reply = await ctx.reply(ctx.sql.rangeBySeq, [
    id,
    part,
    ctx.options.clock.now(),
    query.afterSeq ?? null,
    query.beforeSeq ?? null,
    query.limit,
    query.newest ?? query.afterSeq === undefined,
  ])
  return toRange<T>(reply, id, part)
}

/** `[length, lastSeq, firstSeq, value ...]`: entry i has seq `firstSeq + i`. */
function toRange<T>(reply: readonly unknown[], id: string, part: string): RangeResult<T> {
  throwForStatus(reply, id, part)
  const firstSeq = Number(reply[2])
  const entries: ListEntry<T>[] = []
  for (let i = 3; i < reply.length; i++) entries.push({ seq: firstSeq + i - 3, value: reply[i] as T })
  return { entries, length: Number(reply[0]), lastSeq: Number(reply[1]) }
}
