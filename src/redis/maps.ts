import { assertPartName, assertRecordId } from '../ids.js'
import { checkFieldNames, checkUpdateMapArgs } from '../store/arguments.js'
import type { JsonValue, MapOps, MapSnapshot, MapUpdateResult, UpdateMapOptions } from '../store/contract.js'
import { mapUpdateFailure } from '../store/store-replies.js'
import { asArray, type RedisContext, throwForStatus } from './context.js'
import { jsonArg, optionalArg, parseJson, writeArgs } from './input.js'
import { scripts } from './lua/scripts.js'

/** `getMap`: all fields, or only `fields`, with the map's version. */
export async function getMap<T>(
  ctx: RedisContext,
  id: string,
  part: string,
  fields?: readonly string[],
): Promise<MapSnapshot<T>> {
  assertRecordId(id)
  assertPartName(part)
  if (fields !== undefined) checkFieldNames(fields, 'getMap fields')
  const args = [...ctx.base(), part, fields === undefined ? 'all' : 'some', ...(fields ?? [])]
  const reply = asArray(await ctx.call(scripts.getMap, ctx.partKeys(id, part), args), 'getMap')
  throwForStatus(reply, id, part)
  const entries: Record<string, T> = Object.create(null)
  for (let i = 1; i < reply.length; i += 2) entries[String(reply[i])] = parseJson(reply[i + 1]) as T
  return { entries, version: Number(reply[0]) }
}

/** `updateMap`: deletes, sets, set-if-absent, increments and limits, all or nothing in one script. */
export async function updateMap(
  ctx: RedisContext,
  id: string,
  part: string,
  ops: MapOps,
  options: UpdateMapOptions = {},
): Promise<MapUpdateResult> {
  assertRecordId(id)
  assertPartName(part)
  checkUpdateMapArgs(ops, options)
  const [expiresAt, partExpiresAt] = writeArgs(options)
  const max = ctx.options.maxValueBytes
  const args = [
    ...ctx.base(),
    part,
    optionalArg(options.ifVersion),
    optionalArg(options.maxFields),
    optionalArg(options.maxNumber),
    expiresAt,
    partExpiresAt,
  ]
  const deletes = ops.delete ?? []
  args.push(String(deletes.length), ...deletes)
  for (const [group, fields] of [
    ['set', ops.set],
    ['setIfAbsent', ops.setIfAbsent],
  ] as const) {
    const entries = fields === undefined ? [] : Object.entries(fields)
    args.push(String(entries.length))
    for (const [field, value] of entries) args.push(field, jsonArg(value, max, `${group}.${field}`))
  }
  const incr = Object.entries(ops.incr ?? {})
  args.push(String(incr.length))
  for (const [field, delta] of incr) args.push(field, String(delta))
  const reply = asArray(
    await ctx.call(scripts.updateMap, ctx.counted(id, ctx.partKeys(id, part)), args),
    'updateMap',
  )
  throwForStatus(reply, id, part)
  const failed = mapUpdateFailure(reply, id, part, options)
  if (failed !== undefined) return failed
  const numbers: Record<string, number> = Object.create(null)
  const kept: Record<string, JsonValue> = Object.create(null)
  const keptFrom = 3 + 2 * Number(reply[2])
  for (let i = 3; i < keptFrom; i += 2) numbers[String(reply[i])] = Number(reply[i + 1])
  for (let i = keptFrom; i < reply.length; i += 2) kept[String(reply[i])] = parseJson(reply[i + 1])
  return { ok: true, version: Number(reply[1]), numbers, kept }
}
