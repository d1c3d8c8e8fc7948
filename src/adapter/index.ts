/**
 * `sessionkit/adapter`: what a store adapter needs besides the contract, so it refuses bad input
 * exactly as the built-in stores do and throws the same errors. Call the argument checks at the
 * top of each store method, before touching data; check every value with `checkJson` (or
 * `canonicalJson` where the store compares values as text) against your byte limit; throw the
 * store errors where your data says so. The conformance suite (`sessionkit/testing`) holds you to
 * the same rules.
 *
 * @example
 * import { assertPartName, assertRecordId, checkJson, checkSetValueArgs, recordNotFound } from 'sessionkit/adapter'
 * async setValue(id, part, value, options) {
 *   assertRecordId(id); assertPartName(part); checkSetValueArgs(options)
 *   const text = checkJson(value, { maxBytes: 1_048_576 }, 'value')
 *   if (!(await this.isLive(id))) throw recordNotFound(id)
 *   ...
 * }
 */
export {
  assertFieldName,
  assertPartName,
  assertRecordId,
  createSessionId,
  idDigest,
  isRecordIdPrefix,
  RESERVED_NAMES,
} from '../ids.js'
export {
  checkCreateArgs,
  checkFieldNames,
  checkFields,
  checkInteger,
  checkOptionKeys,
  checkPatchMetaArgs,
  checkPushArgs,
  checkRangeArgs,
  checkScanOptions,
  checkSeqQuery,
  checkSetValueArgs,
  checkTime,
  checkUpdateMapArgs,
  checkVersion,
  checkWriteOptions,
} from '../store/arguments.js'
export { checkMergeValueArgs, checkTouchMetaArgs, mergeTooLarge } from '../store/arguments-combined.js'
export * from '../store/contract.js'
export { checkRenameArgs, renameTargetTaken } from '../store/rename-arguments.js'
export {
  mapFieldsLimit,
  mapNumberLimit,
  notAnInteger,
  recordNotFound,
  wrongPartKind,
} from '../store/store-errors.js'
export { canonicalJson, checkJson, checkJsonSized, type JsonLimits } from '../util/json.js'
