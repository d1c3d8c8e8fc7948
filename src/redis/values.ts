import { assertPartName, assertRecordId } from '../ids.js'
import { checkSetValueArgs, checkWriteOptions } from '../store/arguments.js'
import { checkMergeValueArgs, mergeTooLarge } from '../store/arguments-combined.js'
import type {
  CasResult,
  JsonValue,
  MergeValueOptions,
  SetValueOptions,
  Versioned,
  WriteOptions,
} from '../store/contract.js'
import { mergeOnClient, rememberMerge } from '../store/value-cache.js'
import { asArray, type RedisContext, throwForStatus } from './context.js'
import { jsonArg, optionalArg, parseJson, writeArgs } from './input.js'
import { scripts } from './lua/scripts.js'

/** `getValue`: the part's JSON and version, or `undefined` when the record or part is missing or expired. */
export async function getValue<T>(
  ctx: RedisContext,
  id: string,
  part: string,
): Promise<Versioned<T> | undefined> {
  assertRecordId(id)
  assertPartName(part)
  const keys = ctx.partKeys(id, part)
  const reply = asArray(await ctx.call(scripts.getValue, keys, [...ctx.base(), part]), 'getValue')
  if (reply.length === 0) return undefined
  throwForStatus(reply, id, part)
  const text = String(reply[1])
  ctx.values.set(keys[0], part, text)
  return { value: parseJson(text) as T, version: Number(reply[2]) }
}

/** `setValue`: writes the part (compare-and-set with `ifVersion`), one script with the expiry moves. */
export async function setValue(
  ctx: RedisContext,
  id: string,
  part: string,
  value: JsonValue,
  options: SetValueOptions = {},
): Promise<CasResult> {
  assertRecordId(id)
  assertPartName(part)
  checkSetValueArgs(options)
  const text = jsonArg(value, ctx.options.maxValueBytes, 'value')
  const [expiresAt, partExpiresAt] = writeArgs(options)
  const args = [...ctx.base(), part, text, optionalArg(options.ifVersion), expiresAt, partExpiresAt]
  const keys = ctx.partKeys(id, part)
  const reply = asArray(await ctx.call(scripts.setValue, ctx.counted(id, keys), args), 'setValue')
  throwForStatus(reply, id, part)
  const ok = reply[0] === 'ok'
  if (ok) ctx.values.set(keys[0], part, text)
  return { ok, version: Number(reply[1]) }
}

/**
 * `mergeValue`: a JSON merge patch, no separate read. With the part's text from an earlier call
 * of this process, the merge is done here and the script stores it if that text is still the
 * stored one; otherwise (or without a copy) the script merges the stored text itself. The record's
 * expiry moves by the touch step rule, as a touch's (`touchStepMs`; every time at step 0).
 */
export async function mergeValue(
  ctx: RedisContext,
  id: string,
  part: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: MergeValueOptions = {},
): Promise<Versioned<Readonly<Record<string, JsonValue>>>> {
  assertRecordId(id)
  assertPartName(part)
  checkMergeValueArgs(patch, options)
  const max = ctx.options.maxValueBytes
  const text = jsonArg(patch, max, 'patch')
  const maxBytes = Math.min(options.maxBytes ?? max, max)
  const [expiresAt, partExpiresAt] = writeArgs(options)
  const keys = ctx.partKeys(id, part)
  const ours = mergeOnClient(ctx.values, keys[0], part, text)
  const step = String(ctx.options.touchStepMs)
  const args = [
    ...ctx.base(),
    part,
    text,
    String(maxBytes),
    expiresAt,
    partExpiresAt,
    ours?.base ?? '',
    ours?.text ?? '',
    step,
  ]
  const reply = asArray(await ctx.call(scripts.mergeValue, ctx.counted(id, keys), args), 'mergeValue')
  throwForStatus(reply, id, part)
  if (reply[0] === 'limit') {
    ctx.values.delete(keys[0], part)
    throw mergeTooLarge(part, Number(reply[1]), maxBytes)
  }
  // ['ok', version] when our text was stored, else ['ok', version, the text the script merged].
  const stored = reply.length === 2 && ours !== undefined ? ours : String(reply[2])
  return { value: rememberMerge(ctx.values, keys[0], part, stored), version: Number(reply[1]) }
}

/** `deletePart`: removes the part's keys; a list keeps its seq counter in the header. */
export async function deletePart(
  ctx: RedisContext,
  id: string,
  part: string,
  options?: WriteOptions,
): Promise<void> {
  assertRecordId(id)
  assertPartName(part)
  checkWriteOptions(options)
  const [expiresAt] = writeArgs(options)
  const args = [...ctx.base(), part, expiresAt]
  const keys = ctx.listKeys(id, part)
  ctx.values.delete(keys[0], part)
  const reply = asArray(await ctx.call(scripts.deletePart, ctx.counted(id, keys), args), 'deletePart')
  throwForStatus(reply, id, part)
}
