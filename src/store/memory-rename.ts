import type { RecordMeta, RenameOptions } from './contract.js'
import type { MemoryEngine } from './memory-engine.js'
import { patchRecordMeta } from './memory-header.js'
import { metaOf, newRecord } from './memory-record.js'
import { checkRenameArgs, renameTargetTaken } from './rename-arguments.js'

/**
 * `rename` on the memory store: the record object moves to the new id with its parts as they are
 * (the part map is handed over, not copied), in one synchronous step, so it is atomic inside the
 * process. The old id is left with a tombstone and nothing else.
 */
export function renameRecord(
  engine: MemoryEngine,
  fromId: string,
  toId: string,
  options: RenameOptions,
): RecordMeta | undefined {
  checkRenameArgs(fromId, toId, options)
  const now = engine.now()
  engine.require(fromId, now)
  if (engine.find(toId, now) !== undefined || engine.tombstoned(toId, now)) throw renameTargetTaken(toId)
  // Patches (and checks) the header in place first: a failed condition or a bad patch changes nothing.
  const patched = patchRecordMeta(engine, fromId, options.patch ?? {}, {
    ...(options.ifData === undefined ? {} : { ifData: options.ifData }),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  })
  if (patched === undefined) return undefined
  const record = engine.require(fromId, now)
  const moved = newRecord(toId, record.createdAt, record.expiresAt, record.data, 0)
  moved.parts = record.parts
  moved.bytes = record.bytes - fromId.length + toId.length
  record.parts = undefined
  engine.remove(record, 'deleted')
  engine.insert(moved)
  engine.tombstone(fromId, options.tombstoneUntil)
  engine.tombstone(toId, options.tombstoneUntil)
  return metaOf(moved)
}
