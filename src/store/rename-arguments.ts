import { invalidArgument, SessionKitError } from '../errors.js'
import { assertRecordId, recordLabel } from '../ids.js'
import { checkFields, checkOptionKeys, checkTime } from './arguments.js'
import type { RenameOptions } from './contract.js'

/**
 * Checks the arguments of `rename` the same way in every store, before anything changes: two
 * valid, different record ids and options with a `tombstoneUntil` time, an optional `expiresAt`
 * and optional `patch` / `ifData` objects of valid field names (their values are checked by the
 * store, as `patchMeta` does).
 *
 * @example
 * checkRenameArgs(fromId, toId, { tombstoneUntil: now + 86_400_000 })
 */
export function checkRenameArgs(
  fromId: unknown,
  toId: unknown,
  options: unknown,
): asserts options is RenameOptions {
  assertRecordId(fromId, 'rename fromId')
  assertRecordId(toId, 'rename toId')
  if (fromId === toId) {
    throw invalidArgument('rename needs a toId other than fromId; draw one with store.renameTarget(fromId)')
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('rename needs options with tombstoneUntil (epoch ms)')
  }
  checkOptionKeys(options, ['tombstoneUntil', 'expiresAt', 'patch', 'ifData'], 'rename')
  const given = options as Partial<RenameOptions>
  checkTime(given.tombstoneUntil, 'tombstoneUntil')
  if (given.expiresAt !== undefined) checkTime(given.expiresAt, 'expiresAt')
  if (given.patch !== undefined) checkFields(given.patch, 'patch')
  if (given.ifData !== undefined) checkFields(given.ifData, 'ifData')
}

/**
 * The error (`CONFLICT`) of a `rename` whose target is held by a live record or a live tombstone.
 *
 * @example
 * if (taken) throw renameTargetTaken(toId)
 */
export function renameTargetTaken(toId: string): SessionKitError {
  return new SessionKitError(
    'CONFLICT',
    `rename target ${recordLabel(toId)} is in use or was used before; draw another with store.renameTarget(fromId)`,
    { details: { record: recordLabel(toId) } },
  )
}
