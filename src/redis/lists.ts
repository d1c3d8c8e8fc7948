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
import { asArray, type RedisContext, throwForStatus } from './context.js'
import { jsonArg, optionalArg, parseJson, writeArgs } from './input.js'
import { scripts } from './lua/scripts.js'

/** `push`: append, trim to `max`, number and remember the idempotency key, in one script. */
export async function push(
  ctx: RedisContext,
  id: string,
  part: string,
  values: readonly JsonValue[],
  options: PushOptions,
): Promise<PushResult> {
  assertRecordId(id)
  assertPartName(part)
  checkPushArgs(values, options)
  const [expiresAt, partExpiresAt] = writeArgs(options)
  const key = options.idempotencyKey
  const max = ctx.options.maxValueBytes
  const texts = values.map((value, i) => jsonArg(value, max, `list entry [${i}]`))
  const args = [...ctx.base(), part, String(options.max), key ?? '', expiresAt, partExpiresAt]
  args.push(String(IDEMPOTENCY_WINDOW), ...texts)
  const reply = asArray(await ctx.call(scripts.push, ctx.counted(id, ctx.listKeys(id, part)), args), 'push')
  throwForStatus(reply, id, part)
  return pushResultOf(reply)
}

/** `range`: entries by `LRANGE` indices; seqs follow from the list's length and last seq. */
export async function range<T>(
  ctx: RedisContext,
  id: string,
  part: string,
  start: number,
  stop: number,
): Promise<RangeResult<T>> {
  assertRecordId(id)
  assertPartName(part)
  checkRangeArgs(start, stop)
  const args = [...ctx.base(), part, String(start), String(stop)]
  return toRange<T>(await ctx.call(scripts.range, ctx.partKeys(id, part), args), id, part)
}

/** `rangeBySeq`: entries by seq window, the newest or the oldest `limit` of it. */
export async function rangeBySeq<T>(
  ctx: RedisContext,
  id: string,
  part: string,
  query: SeqQuery,
): Promise<RangeResult<T>> {
  assertRecordId(id)
  assertPartName(part)
  checkSeqQuery(query)
  const newest = query.newest ?? query.afterSeq === undefined
  const args = [
    ...ctx.base(),
    part,
    optionalArg(query.afterSeq),
    optionalArg(query.beforeSeq),
    String(query.limit),
    newest ? '1' : '0',
  ]
  return toRange<T>(await ctx.call(scripts.rangeBySeq, ctx.partKeys(id, part), args), id, part)
}

/** `{ length, lastSeq, firstIndex, json ... }`: entry i has seq `lastSeq - length + 1 + firstIndex + i`. */
function toRange<T>(raw: unknown, id: string, part: string): RangeResult<T> {
  const reply = asArray(raw, 'range')
  throwForStatus(reply, id, part)
  const length = Number(reply[0])
  const lastSeq = Number(reply[1])
  const firstSeq = lastSeq - length + 1 + Number(reply[2])
  const entries: ListEntry<T>[] = []
  for (let i = 3; i < reply.length; i++)
    entries.push({ seq: firstSeq + i - 3, value: parseJson(reply[i]) as T })
  return { entries, length, lastSeq }
}
