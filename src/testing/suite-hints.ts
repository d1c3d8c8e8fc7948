import type { ManualClock } from '../clock.js'
import type { SessionStore } from '../store/contract.js'
import type { StoreCheck } from './suite-types.js'

// What a failed check tells the adapter author besides the assertion: which rule of the contract
// broke, and what usually breaks it.

const CLOCK_HINT =
  'expire by the store clock, the ctx.clock makeStore receives, never Date.now(): the checks move that manual clock forward instead of waiting'

/** The usual cause of a failure in each group of checks. */
const groupHints: Readonly<Record<string, string>> = {
  records:
    'create must not overwrite a live record; every read checks expiresAt against the store clock (ctx.clock, not Date.now())',
  'missing records and values':
    'a write must find the record live first and fail with NOT_FOUND otherwise; never upsert the record (that brings it back)',
  lists:
    'a push must read, append, trim and number in one atomic step (one transaction, script or lock per record), not in separate calls',
  maps: 'work out the whole update before writing: a conflict, a limit or a bad increment must leave the map as it was',
  'scan and count':
    'scan and count read the records themselves (filtered by the store clock), in batches, each id once',
  'read-and-touch, merge (optional calls)':
    'touchMeta and mergeValue are one atomic step each: read, decide and write the record under one lock (or script), capping the move at the notAfter fact',
  tombstones:
    'create must check the tombstone and write the record in one atomic step; a tombstone holds only its end time, keyed by a digest of the id',
  rename:
    'rename moves the header and every part in one atomic step, locking both ids, and leaves a tombstone under the old id; check the target is free in that same step',
  readRecord:
    'readRecord reads the header and every live part in one consistent snapshot, skipping parts past their own expiry',
  validation:
    'check arguments before touching data, with the checks of sessionkit/adapter (assertRecordId, assertPartName, checkJson, checkPushArgs, checkUpdateMapArgs, ...)',
}

const timeWords = /expir|touch|outlive|gone from/i

/** The usual cause of `check` failing. */
export function hintFor(group: string, check: StoreCheck): string {
  if (timeWords.test(check.name)) return CLOCK_HINT
  return groupHints[group] ?? CLOCK_HINT
}

/**
 * Fails at once when the store does not tell time by `clock`: every expiry check would fail for
 * that one reason, so it is said once, plainly. Moves the clock 1 ms (checks count from `now`).
 */
export function assertOnClock(store: SessionStore, clock: ManualClock): void {
  const before = store.clock.now()
  clock.advance(1)
  if (store.clock.now() === before + 1) return
  throw new Error(
    'makeStore must build the store on the manual clock it receives: store.clock did not move when ctx.clock did. Pass it through, e.g. ({ clock }) => createMyStore({ clock }), and expire records by it, never by Date.now()',
  )
}

/**
 * The error a failed check throws: the same error (so the runner still shows its diff) with the
 * broken rule before its message and the usual cause after it.
 */
export function explainFailure(error: unknown, group: string, check: StoreCheck): unknown {
  const head = `SessionStore rule broken: ${group} > ${check.name}`
  const tail = `usual cause: ${hintFor(group, check)}`
  if (error instanceof Error) {
    error.message = `${head}\n${error.message}\n${tail}`
    return error
  }
  return new Error(`${head}\n${String(error)}\n${tail}`, { cause: error })
}
