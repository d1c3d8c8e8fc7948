import type { MapUpdateResult, PushResult, UpdateMapOptions } from './contract.js'
import { mapFieldsLimit, mapNumberLimit, notAnInteger } from './store-errors.js'

// Replies that a store's server-side code (a Lua script, a SQL function) gives in the same shape,
// read the same way by every such store.

/**
 * A push reply `[status, firstSeq, lastSeq, length, dropped]` (status `'dup'` for a retried
 * idempotency key, whose reply has no `dropped`: the first push did the trimming) as a `PushResult`.
 *
 * @example
 * pushResultOf(['ok', 4, 6, 10, 2]) // { firstSeq: 4, lastSeq: 6, length: 10, dropped: 2, duplicate: false }
 */
export function pushResultOf(reply: readonly unknown[]): PushResult {
  const duplicate = reply[0] === 'dup'
  return {
    firstSeq: Number(reply[1]),
    lastSeq: Number(reply[2]),
    length: Number(reply[3]),
    dropped: duplicate ? 0 : Number(reply[4]),
    duplicate,
  }
}

/**
 * The outcome of an `updateMap` reply that is not `ok`: `{ ok: false }` for `['conflict', version]`;
 * throws for `['notint', field]` and `['limit', 'maxFields' | 'maxNumber', field]`; `undefined` for `ok`.
 *
 * @example
 * const failed = mapUpdateFailure(reply, id, part, options); if (failed) return failed
 */
export function mapUpdateFailure(
  reply: readonly unknown[],
  id: string,
  part: string,
  options: UpdateMapOptions,
): MapUpdateResult | undefined {
  const status = reply[0]
  if (status === 'conflict') return { ok: false, version: Number(reply[1]) }
  if (status === 'notint') throw notAnInteger(id, part, String(reply[1]))
  if (status === 'limit') {
    throw reply[1] === 'maxFields'
      ? mapFieldsLimit(id, part, options.maxFields)
      : mapNumberLimit(id, part, String(reply[2]), options.maxNumber)
  }
  return undefined
}
