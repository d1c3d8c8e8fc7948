import { invalidArgument } from '../errors.js'
import { assertRecordId } from '../ids.js'
import { checkFields, checkTime } from '../store/arguments.js'
import type { CreateOptions, JsonValue, PatchMetaOptions, RecordMeta } from '../store/contract.js'
import type { PostgresContext } from './context.js'
import { decodeFacts, encodeFacts, throwForStatus } from './replies.js'

/** `create`: one function call that refuses a live id and clears what an expired one left. */
export async function createRecord(
  ctx: PostgresContext,
  id: string,
  options: CreateOptions,
): Promise<boolean> {
  assertRecordId(id)
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('create needs options with expiresAt')
  checkTime(options.expiresAt, 'expiresAt')
  const now = ctx.options.clock.now()
  if (options.expiresAt <= now) {
    throw invalidArgument(
      `expiresAt (${options.expiresAt}) must be after now (${now}); pass now + a TTL in ms`,
    )
  }
  let data = '{}'
  if (options.data !== undefined) {
    checkFields(options.data, 'data')
    data = JSON.stringify(encodeFacts(options.data, ctx.options.maxValueBytes, 'data'))
  }
  const result = await ctx.run(ctx.sql.create, [id, now, options.expiresAt, data])
  return result.rows[0]?.r === true
}

/** `meta`: the header of a live record, or `undefined`. */
export async function readMeta(ctx: PostgresContext, id: string): Promise<RecordMeta | undefined> {
  assertRecordId(id)
  const result = await ctx.run(ctx.sql.meta, [id, ctx.options.clock.now()])
  const row = result.rows[0]
  if (row === undefined) return undefined
  return {
    id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    data: decodeFacts(row.data),
  }
}

/** `patchMeta`: changes header facts when every `ifData` condition holds (compared as canonical JSON). */
export async function patchMeta(
  ctx: PostgresContext,
  id: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: PatchMetaOptions = {},
): Promise<RecordMeta | undefined> {
  assertRecordId(id)
  checkFields(patch, 'patch')
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('patchMeta options must be an object')
  if (options.expiresAt !== undefined) checkTime(options.expiresAt, 'expiresAt')
  const conditions = options.ifData ?? {}
  checkFields(conditions, 'ifData')
  const max = ctx.options.maxValueBytes
  const ifData = encodeFacts(conditions, max, 'ifData')
  const changes = encodeFacts(patch, max, 'patch')
  const set: Record<string, string> = {}
  const remove: string[] = []
  for (const [name, text] of Object.entries(changes)) {
    if (text === null) remove.push(name)
    else set[name] = text
  }
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

/** `touch`: moves the record's expiry (one UPDATE); parts without their own expiry follow it. */
export async function touchRecord(ctx: PostgresContext, id: string, expiresAt: number): Promise<boolean> {
  assertRecordId(id)
  checkTime(expiresAt, 'expiresAt')
  const result = await ctx.run(ctx.sql.touch, [id, ctx.options.clock.now(), expiresAt])
  return result.rowCount === 1
}

/** `delete`: removes the record and its parts; `true` when it was live. */
export async function deleteRecord(ctx: PostgresContext, id: string): Promise<boolean> {
  assertRecordId(id)
  const result = await ctx.run(ctx.sql.delete, [id, ctx.options.clock.now()])
  return result.rows[0]?.r === true
}
