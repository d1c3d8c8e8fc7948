import type { RecordMeta, RenameOptions } from '../store/contract.js'
import { checkRenameArgs, renameTargetTaken } from '../store/rename-arguments.js'
import type { PostgresContext } from './context.js'
import { decodeFacts, encodeFacts, splitPatch, throwForStatus } from './replies.js'

/**
 * `rename`: one function call that locks both rows in id order, checks the target, the conditions
 * and the source, then moves the header and every part row to `toId` and leaves both tombstones.
 * Any id will do as the target: every record lives in the same tables.
 */
export async function renameRecord(
  ctx: PostgresContext,
  fromId: string,
  toId: string,
  options: RenameOptions,
): Promise<RecordMeta | undefined> {
  checkRenameArgs(fromId, toId, options)
  ctx.values.deleteRecord(fromId)
  const max = ctx.options.maxValueBytes
  const ifData = encodeFacts(options.ifData ?? {}, max, 'ifData')
  const { set, remove } = splitPatch(encodeFacts(options.patch ?? {}, max, 'patch'))
  const reply = await ctx.reply(ctx.sql.rename, [
    fromId,
    toId,
    ctx.options.clock.now(),
    options.expiresAt ?? null,
    JSON.stringify(ifData),
    JSON.stringify(set),
    remove,
    options.tombstoneUntil,
  ])
  throwForStatus(reply, fromId, '')
  if (reply[0] === 'conflict') throw renameTargetTaken(toId)
  if (reply[0] === 'failed') return undefined
  return { id: toId, createdAt: Number(reply[1]), expiresAt: Number(reply[2]), data: decodeFacts(reply[3]) }
}
