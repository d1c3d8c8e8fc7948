import { createManualClock } from '../clock.js'
import { invalidArgument } from '../errors.js'
import { combinedChecks } from './suite-combined.js'
import { assertOnClock, explainFailure } from './suite-hints.js'
import { listChecks } from './suite-lists.js'
import { mapChecks } from './suite-maps.js'
import { readRecordChecks } from './suite-read-record.js'
import { recordChecks } from './suite-records.js'
import { renameChecks } from './suite-rename.js'
import { scanChecks } from './suite-scan.js'
import { tombstoneChecks } from './suite-tombstones.js'
import type { MakeStore, StoreCheck, StoreSuiteOptions, SuiteApi } from './suite-types.js'
import { checkContext } from './suite-types.js'
import { validationChecks } from './suite-validation.js'
import { valueChecks } from './suite-values.js'

export type {
  CheckContext,
  MakeStore,
  StoreCheck,
  StoreSuiteContext,
  StoreSuiteOptions,
  SuiteApi,
  SuiteExpect,
} from './suite-types.js'

/**
 * Every check of the conformance suite, by group. Names are stable: a store's test report lists
 * them, and a failure names the rule that broke.
 */
export const storeChecks: Readonly<Record<string, readonly StoreCheck[]>> = Object.freeze({
  records: recordChecks,
  'missing records and values': valueChecks,
  lists: listChecks,
  maps: mapChecks,
  'scan and count': scanChecks,
  'read-and-touch, merge (optional calls)': combinedChecks,
  tombstones: tombstoneChecks,
  rename: renameChecks,
  readRecord: readRecordChecks,
  validation: validationChecks,
})

/**
 * Registers the `SessionStore` conformance suite with your test framework: one test per rule of
 * the contract (expiry by the injected clock, touch, per-part expiry, NOT_FOUND without
 * resurrection, compare-and-set, capped and idempotent pushes, ranges, map limits, scan, count,
 * tombstones, rename, readRecord, validation). `makeStore` must return a store that expires records
 * by `ctx.clock` (a manual clock starting at the current time, which checks move forward); the
 * suite closes it after each check.
 * Checks use ids under a prefix unique to each check, so stores may share a database. A failure
 * names the rule it broke and its usual cause; a store that does not tell time by `ctx.clock`
 * fails every check with that one message.
 *
 * @example
 * import { describe, it, expect } from 'vitest'
 * defineStoreSuite({ describe, it, expect }, ({ clock }) => createMemoryStore({ clock }))
 */
export function defineStoreSuite(api: SuiteApi, makeStore: MakeStore, options: StoreSuiteOptions = {}): void {
  const ok =
    typeof api?.describe === 'function' &&
    typeof api.it === 'function' &&
    typeof api.expect === 'function' &&
    typeof makeStore === 'function' &&
    typeof options === 'object' &&
    options !== null
  if (!ok) {
    throw invalidArgument(
      'defineStoreSuite({ describe, it, expect }, ({ clock }) => makeStore(clock), options?)',
    )
  }
  const timeout = options.timeoutMs ?? 30_000
  api.describe(options.title ?? 'SessionStore conformance', () => {
    for (const [group, checks] of Object.entries(storeChecks)) {
      api.describe(group, () => {
        for (const check of checks) {
          api.it(
            check.name,
            async () => {
              const clock = createManualClock(Date.now())
              const store = await makeStore({ clock })
              try {
                assertOnClock(store, clock)
                await check.run(checkContext(store, clock, api.expect))
              } catch (error) {
                throw explainFailure(error, group, check)
              } finally {
                await store.close()
              }
            },
            timeout,
          )
        }
      })
    }
  })
}
