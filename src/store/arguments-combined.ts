import { invalidArgument, type SessionKitError } from '../errors.js'
import { assertFieldName } from '../ids.js'
import { checkFields, checkInteger, checkOptionKeys, checkTime, checkWriteOptions } from './arguments.js'
import type { MergeValueOptions, TouchMetaOptions } from './contract.js'

/**
 * Checks of the calls that do two things in one step (`touchMeta`, `mergeValue`), shared by both
 * stores so they refuse the same input with the same message.
 */

/**
 * Checks `touchMeta(id, expiresAt, options)`'s time and options (the id is checked apart).
 *
 * @example
 * assertRecordId(id); checkTouchMetaArgs(expiresAt, { notAfter: 'absoluteEnd', ifDataAbsentOr: { u: userId } })
 */
export function checkTouchMetaArgs(expiresAt: unknown, options: TouchMetaOptions | undefined): void {
  checkTime(expiresAt, 'expiresAt')
  if (options === undefined) return
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument('touchMeta options must be an object')
  }
  checkOptionKeys(options, ['notAfter', 'ifDataAbsentOr'], 'touchMeta')
  if (options.notAfter !== undefined) assertFieldName(options.notAfter)
  if (options.ifDataAbsentOr !== undefined) checkFields(options.ifDataAbsentOr, 'ifDataAbsentOr')
}

/**
 * Checks `mergeValue`'s patch shape and options (the patch's JSON is checked where it is serialised).
 *
 * @example
 * checkMergeValueArgs({ theme: 'dark' }, { maxBytes: 4096 })
 */
export function checkMergeValueArgs(patch: unknown, options: MergeValueOptions | undefined): void {
  checkWriteOptions(options, ['maxBytes'], 'mergeValue')
  if (options?.maxBytes !== undefined) checkInteger(options.maxBytes, 'maxBytes', 1)
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw invalidArgument('a merge patch must be a plain object')
  }
}

/**
 * The error of a merge whose result would pass `maxBytes`; nothing was written.
 *
 * @example
 * if (bytes > maxBytes) throw mergeTooLarge('prefs', bytes, maxBytes)
 */
export function mergeTooLarge(part: string, bytes: number, maxBytes: number): SessionKitError {
  return invalidArgument(
    `part "${part}" would be ${bytes} bytes as JSON after the merge; the limit is ${maxBytes}; nothing was written`,
    { part, bytes, maxBytes },
  )
}
