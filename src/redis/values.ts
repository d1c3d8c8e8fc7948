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
  const reply = asArray(
    await ctx.call(scripts.getValue, ctx.partKeys(id, part), [...ctx.base(), part]),
    'getValue',
  )
  if (reply.length === 0) return undefined
  throwForStatus(reply, id, part)
  return { value: parseJson(reply[1]) as T, version: Number(reply[2]) }
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
  const reply = asArray(await ctx.call(scripts.setValue, ctx.partKeys(id, part), args), 'setValue')
  throwForStatus(reply, id, part)
  return { ok: reply[0] === 'ok', version: Number(reply[1]) }
}

/** `mergeValue`: a JSON merge patch applied by the script to the stored text, so no separate read. */
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
  const args = [...ctx.base(), part, text, String(maxBytes), expiresAt, partExpiresAt]
  const reply = asArray(await ctx.call(scripts.mergeValue, ctx.partKeys(id, part), args), 'mergeValue')
  throwForStatus(reply, id, part)
  if (reply[0] === 'limit') throw mergeTooLarge(part, Number(reply[1]), maxBytes)
  return { value: parseJson(reply[2]) as Record<string, JsonValue>, version: Number(reply[1]) }
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
  const reply = asArray(await ctx.call(scripts.deletePart, ctx.listKeys(id, part), args), 'deletePart')
  throwForStatus(reply, id, part)
}
