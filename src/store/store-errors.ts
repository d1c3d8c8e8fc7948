import { invalidArgument, SessionKitError } from '../errors.js'
import { recordLabel } from '../ids.js'

// The errors a store throws once it has looked at its data, worded the same by every store, so a
// caller (and the conformance suite) sees one message whatever the store.

/**
 * `NOT_FOUND` for a write to a missing, expired or deleted record.
 *
 * @example
 * if (!live) throw recordNotFound(id)
 */
export function recordNotFound(id: string): SessionKitError {
  return new SessionKitError(
    'NOT_FOUND',
    `record ${recordLabel(id)} is missing or expired; create it first (writes never bring a record back)`,
    { details: { record: recordLabel(id) } },
  )
}

/**
 * `INVALID_ARGUMENT` for a call on a part that holds another kind (a value read as a list);
 * `wanted`, when the store knows it, is the kind the call asked for.
 *
 * @example
 * throw wrongPartKind(id, 'history', 'value')
 */
export function wrongPartKind(
  id: string,
  part: string,
  kind: 'value' | 'list' | 'map',
  wanted?: 'value' | 'list' | 'map',
): SessionKitError {
  return new SessionKitError(
    'INVALID_ARGUMENT',
    `part "${part}" of record ${recordLabel(id)} holds a ${kind}${wanted === undefined ? '' : `, not a ${wanted}`}; use another part name`,
    { details: { record: recordLabel(id), part, kind } },
  )
}

/**
 * `LIMIT_EXCEEDED` (`details.limit: 'maxFields'`) for an `updateMap` that would leave more fields
 * than `maxFields`.
 *
 * @example
 * throw mapFieldsLimit(id, 'cart', 50)
 */
export function mapFieldsLimit(id: string, part: string, maxFields: number | undefined): SessionKitError {
  return new SessionKitError(
    'LIMIT_EXCEEDED',
    `map part "${part}" of record ${recordLabel(id)} would hold more than ${maxFields} fields (maxFields); nothing was changed, remove some first`,
    { details: { record: recordLabel(id), part, limit: 'maxFields', maxFields } },
  )
}

/**
 * `LIMIT_EXCEEDED` (`details.limit: 'maxNumber'`) for an increment past `maxNumber`.
 *
 * @example
 * throw mapNumberLimit(id, 'cart', 'qty:sku1', 99)
 */
export function mapNumberLimit(
  id: string,
  part: string,
  field: string,
  maxNumber: number | undefined,
): SessionKitError {
  return new SessionKitError(
    'LIMIT_EXCEEDED',
    `field "${field}" of map part "${part}" would go past ${maxNumber} (maxNumber); nothing was changed`,
    { details: { record: recordLabel(id), part, limit: 'maxNumber', field, maxNumber } },
  )
}

/**
 * `INVALID_ARGUMENT` for an increment of a map field that holds something else than an integer.
 *
 * @example
 * throw notAnInteger(id, 'cart', 'note')
 */
export function notAnInteger(id: string, part: string, field: string): SessionKitError {
  return invalidArgument(`map field "${field}" of part "${part}" does not hold an integer; incr needs one`, {
    record: recordLabel(id),
    part,
    field,
  })
}
