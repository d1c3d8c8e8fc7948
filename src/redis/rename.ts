import { invalidArgument } from '../errors.js'
import { recordLabel } from '../ids.js'
import type { JsonValue, RecordMeta, RenameOptions } from '../store/contract.js'
import { checkRenameArgs, renameTargetTaken } from '../store/rename-arguments.js'
import { type RedisContext, throwForStatus } from './context.js'
import { canonicalJsonArg, optionalArg } from './input.js'
import { scripts } from './lua/scripts.js'
import { withPartNames } from './part-names.js'
import { toMeta } from './records.js'
import { keySlot, sessionIdInSlot } from './slots.js'

/**
 * `renameTarget`: a fresh 22-character id whose keys fall in the Cluster slot of `fromId`'s, so one
 * script can move the record (on a standalone server too, so code tried there holds on a Cluster).
 */
export function renameTarget(ctx: RedisContext, fromId: string): string {
  return sessionIdInSlot(`${ctx.options.prefix}:`, keySlot(ctx.header(fromId)))
}

/**
 * `rename`: one script that checks the target, the conditions and the part list, then RENAMEs the
 * header and every part key (TTLs travel with them), patches the header, moves the expiry and
 * leaves both tombstones. The part names are learnt from the script's first answer, so every key
 * is passed in KEYS.
 */
export async function renameRecord(
  ctx: RedisContext,
  fromId: string,
  toId: string,
  options: RenameOptions,
): Promise<RecordMeta | undefined> {
  checkRenameArgs(fromId, toId, options)
  if (keySlot(ctx.header(fromId)) !== keySlot(ctx.header(toId))) {
    throw invalidArgument(
      `rename toId ${recordLabel(toId)} does not share the Redis Cluster slot of fromId; draw it with store.renameTarget(fromId)`,
    )
  }
  const max = ctx.options.maxValueBytes
  const args = [...ctx.base(), optionalArg(options.expiresAt), String(options.tombstoneUntil)]
  pushPairs(args, options.ifData ?? {}, max, 'ifData')
  pushPairs(args, options.patch ?? {}, max, 'patch')
  const fixed = [ctx.header(fromId), ctx.header(toId), ctx.tombstone(fromId), ctx.tombstone(toId)]
  // What this process kept of the old id's values must not outlive it (the new id reads afresh).
  ctx.values.deleteRecord(fixed[0]!)
  const reply = await withPartNames('rename', fromId, (names) => {
    const keys = [...fixed]
    for (const name of names) {
      const from = `${fixed[0]}:${name}`
      const to = `${fixed[1]}:${name}`
      keys.push(from, `${from}#k`, `${from}#o`, to, `${to}#k`, `${to}#o`)
    }
    return ctx.call(scripts.rename, ctx.counted(fromId, keys), [...args, String(names.length), ...names])
  })
  throwForStatus(reply, fromId, '')
  if (reply[0] === 'taken') throw renameTargetTaken(toId)
  return reply[0] === 'failed' ? undefined : toMeta(toId, reply, 1)
}

/** Appends `count, name, json ...` (`''` for `null`), as canonical JSON so the script compares text. */
function pushPairs(
  args: string[],
  fields: Readonly<Record<string, JsonValue>>,
  max: number,
  what: string,
): void {
  const names = Object.keys(fields)
  args.push(String(names.length))
  for (const name of names) {
    const value = fields[name]
    args.push(name, value === null ? '' : canonicalJsonArg(value, max, `${what}.${name}`))
  }
}
