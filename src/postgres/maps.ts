import { assertPartName, assertRecordId } from '../ids.js'
import { checkFieldNames, checkUpdateMapArgs } from '../store/arguments.js'
import type { JsonValue, MapOps, MapSnapshot, MapUpdateResult, UpdateMapOptions } from '../store/contract.js'
import { mapUpdateFailure } from '../store/store-replies.js'
import { checkJson } from '../util/json.js'
import type { PostgresContext } from './context.js'
import { checkReadKind, throwForStatus } from './replies.js'

/** `getMap`: all fields, or only `fields`, with the map's version. */
export async function getMap<T>(
  ctx: PostgresContext,
  id: string,
  part: string,
  fields?: readonly string[],
): Promise<MapSnapshot<T>> {
  assertRecordId(id)
  assertPartName(part)
  if (fields !== undefined) checkFieldNames(fields, 'getMap fields')
  const now = ctx.options.clock.now()
  const result =
    fields === undefined
      ? await ctx.run(ctx.sql.getMap, [id, part, now])
      : await ctx.run(ctx.sql.getMapFields, [id, part, now, fields.map((field) => JSON.stringify(field))])
  const entries: Record<string, T> = Object.create(null)
  const row = result.rows[0]
  if (row === undefined || row.kind === null) return { entries, version: 0 }
  checkReadKind(row.kind, 'm', id, part)
  if (row.fields !== null) {
    const pairs = JSON.parse(`[${String(row.fields)}]`) as unknown[]
    for (let i = 0; i < pairs.length; i += 2) entries[pairs[i] as string] = pairs[i + 1] as T
  }
  return { entries, version: Number(row.version) }
}

/** `updateMap`: deletes, sets, set-if-absent, increments and limits, all or nothing in one function call. */
export async function updateMap(
  ctx: PostgresContext,
  id: string,
  part: string,
  ops: MapOps,
  options: UpdateMapOptions = {},
): Promise<MapUpdateResult> {
  assertRecordId(id)
  assertPartName(part)
  checkUpdateMapArgs(ops, options)
  const limits = { maxBytes: ctx.options.maxValueBytes }
  const pairs = (group: 'set' | 'setIfAbsent'): [string[], string[]] => {
    const given = ops[group] ?? {}
    const names = Object.keys(given)
    return [
      names.map((field) => JSON.stringify(field)),
      names.map((field) => checkJson(given[field], limits, `${group}.${field}`)),
    ]
  }
  const [setFields, setValues] = pairs('set')
  const [absentFields, absentValues] = pairs('setIfAbsent')
  const incr = ops.incr ?? {}
  const incrNames = Object.keys(incr)
  const reply = await ctx.reply(ctx.sql.updateMap, [
    id,
    part,
    ctx.options.clock.now(),
    options.ifVersion ?? null,
    options.maxFields ?? null,
    options.maxNumber ?? null,
    options.expiresAt ?? null,
    options.partExpiresAt ?? null,
    (ops.delete ?? []).map((field) => JSON.stringify(field)),
    setFields,
    setValues,
    absentFields,
    absentValues,
    incrNames.map((field) => JSON.stringify(field)),
    incrNames.map((field) => incr[field]),
  ])
  throwForStatus(reply, id, part)
  const failed = mapUpdateFailure(reply, id, part, options)
  if (failed !== undefined) return failed
  return { ok: true, version: Number(reply[1]), numbers: record<number>(reply[2]), kept: record(reply[3]) }
}

/** `[field, value, ...]` as a prototype-free object. */
function record<T = JsonValue>(pairs: unknown): Readonly<Record<string, T>> {
  const out: Record<string, T> = Object.create(null)
  const list = pairs as unknown[]
  for (let i = 0; i < list.length; i += 2) out[list[i] as string] = list[i + 1] as T
  return out
}
