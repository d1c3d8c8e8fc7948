import { assertPartName, assertRecordId } from '../ids.js'
import { checkSetValueArgs, checkWriteOptions } from '../store/arguments.js'
import type { CasResult, JsonValue, SetValueOptions, Versioned, WriteOptions } from '../store/contract.js'
import { recordNotFound } from '../store/store-errors.js'
import { checkJson } from '../util/json.js'
import type { PostgresContext } from './context.js'
import { checkReadKind, throwForStatus } from './replies.js'

/** `getValue`: the part's JSON and version, or `undefined` when the record or part is missing or expired. */
export async function getValue<T>(
  ctx: PostgresContext,
  id: string,
  part: string,
): Promise<Versioned<T> | undefined> {
  const found = await getValueText(ctx, id, part)
  return found === undefined ? undefined : { value: JSON.parse(found.text) as T, version: found.version }
}

/** `getValue` with the part's JSON text as stored, unparsed (kept in the value cache too). */
export async function getValueText(
  ctx: PostgresContext,
  id: string,
  part: string,
): Promise<{ readonly text: string; readonly version: number } | undefined> {
  assertRecordId(id)
  assertPartName(part)
  const result = await ctx.run(ctx.sql.getValue, [id, part, ctx.options.clock.now()])
  const row = result.rows[0]
  if (row === undefined || row.kind === null) return undefined
  checkReadKind(row.kind, 'v', id, part)
  const text = String(row.value)
  ctx.values.set(id, part, text)
  return { text, version: Number(row.version) }
}

/** `setValue`: writes the part (compare-and-set with `ifVersion`) and moves the expiries, in one call. */
export async function setValue(
  ctx: PostgresContext,
  id: string,
  part: string,
  value: JsonValue,
  options: SetValueOptions = {},
): Promise<CasResult> {
  assertRecordId(id)
  assertPartName(part)
  checkSetValueArgs(options)
  const text = checkJson(value, { maxBytes: ctx.options.maxValueBytes }, 'value')
  return setValueText(ctx, id, part, text, options)
}

/** `setValue` of a JSON text already checked (its id, part and options too). */
export async function setValueText(
  ctx: PostgresContext,
  id: string,
  part: string,
  text: string,
  options: SetValueOptions,
): Promise<CasResult> {
  const reply = await ctx.reply(ctx.sql.setValue, [
    id,
    part,
    ctx.options.clock.now(),
    text,
    options.ifVersion ?? null,
    options.expiresAt ?? null,
    options.partExpiresAt ?? null,
  ])
  throwForStatus(reply, id, part)
  const ok = reply[0] === 'ok'
  if (ok) ctx.values.set(id, part, text)
  return { ok, version: Number(reply[1]) }
}

/** `deletePart`: empties the part; a list keeps its sequence counter. */
export async function deletePart(
  ctx: PostgresContext,
  id: string,
  part: string,
  options?: WriteOptions,
): Promise<void> {
  assertRecordId(id)
  assertPartName(part)
  checkWriteOptions(options)
  ctx.values.delete(id, part)
  const result = await ctx.run(ctx.sql.deletePart, [
    id,
    part,
    ctx.options.clock.now(),
    options?.expiresAt ?? null,
  ])
  if (result.rows[0]?.r !== true) throw recordNotFound(id)
}
