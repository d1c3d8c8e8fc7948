import { assertRecordId } from '../ids.js'
import { checkCreateArgs, checkPatchMetaArgs } from '../store/arguments.js'
import { checkTouchMetaArgs } from '../store/arguments-combined.js'
import type {
  CreateOptions,
  JsonValue,
  PatchMetaOptions,
  RecordMeta,
  TouchMetaOptions,
  TouchMetaResult,
} from '../store/contract.js'
import { touchWithoutWrite, withinStep } from '../store/touch-decision.js'
import { asArray, type RedisContext, throwForStatus } from './context.js'
import { canonicalJsonArg, optionalArg, parseJson, timeArg } from './input.js'
import { scripts } from './lua/scripts.js'

/**
 * `create`: one script that refuses a live id or a live tombstone, clears what an expired record
 * left behind, and leaves the tombstone asked for.
 */
export async function createRecord(ctx: RedisContext, id: string, options: CreateOptions): Promise<boolean> {
  const args = ctx.base()
  checkCreateArgs(id, options, Number(args[0]))
  args.push(String(options.expiresAt), optionalArg(options.tombstoneUntil))
  if (options.data !== undefined) {
    for (const [name, value] of Object.entries(options.data)) {
      args.push(name, canonicalJsonArg(value, ctx.options.maxValueBytes, `data.${name}`))
    }
  }
  return (
    Number(await ctx.call(scripts.create, ctx.counted(id, [ctx.header(id), ctx.tombstone(id)]), args)) === 1
  )
}

/** `meta`: the header of a live record, or `undefined`. */
export async function readMeta(ctx: RedisContext, id: string): Promise<RecordMeta | undefined> {
  assertRecordId(id)
  const reply = await readHeader(ctx, id)
  return reply.length === 0 ? undefined : toMeta(id, reply, 0)
}

/**
 * The header of a live record as the `meta` script answers it (createdAt, expiresAt, name, json
 * ...; empty when missing or expired): from a plain `HGETALL` when the client offers it, the same
 * rule applied here, else from the script.
 */
async function readHeader(ctx: RedisContext, id: string): Promise<readonly unknown[]> {
  if (ctx.readHash === undefined) {
    return asArray(await ctx.call(scripts.meta, [ctx.header(id)], ctx.base()), 'meta')
  }
  const now = ctx.options.clock.now()
  const fields = await ctx.readHash(ctx.header(id))
  // As the script's `tonumber(e)`: a header without a number there is no live record.
  if (!(Number(fields.e) > now)) return []
  const reply: string[] = [fields.c ?? '0', fields.e!]
  for (const field of Object.keys(fields)) {
    if (field.startsWith('d:')) reply.push(field.slice(2), fields[field]!)
  }
  return reply
}

/** `patchMeta`: changes header facts when every `ifData` condition holds (compared as canonical JSON). */
export async function patchMeta(
  ctx: RedisContext,
  id: string,
  patch: Readonly<Record<string, JsonValue>>,
  options: PatchMetaOptions = {},
): Promise<RecordMeta | undefined> {
  checkPatchMetaArgs(id, patch, options)
  const max = ctx.options.maxValueBytes
  const args = [...ctx.base(), optionalArg(options.expiresAt)]
  const conditions = options.ifData ?? {}
  const names = Object.keys(conditions)
  args.push(String(names.length))
  for (const name of names) {
    const value = conditions[name]
    args.push(name, value === null ? '' : canonicalJsonArg(value, max, `ifData.${name}`))
  }
  for (const [name, value] of Object.entries(patch)) {
    args.push(name, value === null ? '' : canonicalJsonArg(value, max, `patch.${name}`))
  }
  const reply = asArray(
    await ctx.call(scripts.patchMeta, ctx.counted(id, [ctx.header(id)]), args),
    'patchMeta',
  )
  throwForStatus(reply, id, '')
  return reply[0] === 'failed' ? undefined : toMeta(id, reply, 1)
}

/**
 * `touch`: moves the record's expiry (and, when needed, the Redis TTL of every key), not by less
 * than `touchStepMs`; under a step, a header read first and the script only when the expiry moves.
 */
export async function touchRecord(ctx: RedisContext, id: string, expiresAt: number): Promise<boolean> {
  assertRecordId(id)
  const time = timeArg(expiresAt, 'expiresAt')
  const step = ctx.options.touchStepMs
  // Under a step, the header read first: most touches end there (see touchMeta).
  if (step > 0) {
    const header = await readHeader(ctx, id)
    if (header.length === 0) return false
    if (withinStep(Number(header[1]), expiresAt, step)) return true
  }
  const args = [...ctx.base(), time, String(step)]
  return Number(await ctx.call(scripts.touch, ctx.counted(id, [ctx.header(id)]), args)) === 1
}

/**
 * `touchMeta`: moves the expiry (capped by `notAfter`, when `ifDataAbsentOr` holds, not by less than
 * `touchStepMs`) and reads the header, in one script. Under a touch step, the header is read first
 * (one plain `HGETALL`, or the `meta` script on a client without `hgetall`) and the touch decided
 * on it: only a read that must move the expiry sends the touch script, once per step.
 */
export async function touchMeta(
  ctx: RedisContext,
  id: string,
  expiresAt: number,
  options: TouchMetaOptions = {},
): Promise<TouchMetaResult | undefined> {
  assertRecordId(id)
  checkTouchMetaArgs(expiresAt, options)
  const conditions: [string, string][] = []
  for (const [name, value] of Object.entries(options.ifDataAbsentOr ?? {})) {
    conditions.push([name, canonicalJsonArg(value, ctx.options.maxValueBytes, `ifDataAbsentOr.${name}`)])
  }
  const step = ctx.options.touchStepMs
  if (step > 0) {
    const header = await readHeader(ctx, id)
    if (header.length === 0) return undefined
    const decided = touchWithoutWrite(
      (name) => factText(header, name),
      Number(header[1]),
      expiresAt,
      options.notAfter,
      conditions,
      step,
    )
    if (decided !== 'write') return { meta: toMeta(id, header, 0), touched: decided === 'unmoved' }
  }
  const args = [...ctx.base(), String(expiresAt), options.notAfter ?? '', String(step)]
  for (const [name, text] of conditions) args.push(name, text)
  const reply = asArray(
    await ctx.call(scripts.touchMeta, ctx.counted(id, [ctx.header(id)]), args),
    'touchMeta',
  )
  if (reply.length === 0) return undefined
  return { meta: toMeta(id, reply, 1), touched: reply[0] === 'ok' }
}

// The JSON text of fact `name` in a meta reply (createdAt, expiresAt, name, json ...), or undefined.
function factText(reply: readonly unknown[], name: string): string | undefined {
  for (let i = 2; i < reply.length; i += 2) if (reply[i] === name) return String(reply[i + 1])
  return undefined
}

/** `delete`: removes every key of the record; `true` when it was live. */
export async function deleteRecord(ctx: RedisContext, id: string): Promise<boolean> {
  assertRecordId(id)
  const header = ctx.header(id)
  ctx.values.deleteRecord(header)
  return Number(await ctx.call(scripts.delete, ctx.counted(id, [header]), ctx.base())) === 1
}

/** Reads `createdAt, expiresAt, name, json ...` starting at `from`. */
export function toMeta(id: string, reply: readonly unknown[], from: number): RecordMeta {
  const data: Record<string, JsonValue> = Object.create(null)
  for (let i = from + 2; i < reply.length; i += 2) data[String(reply[i])] = parseJson(reply[i + 1])
  return { id, createdAt: Number(reply[from]), expiresAt: Number(reply[from + 1]), data }
}
