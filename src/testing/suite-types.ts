import type { ManualClock } from '../clock.js'
import { isSessionKitError, type SessionKitError, type SessionKitErrorCode } from '../errors.js'
import type { SessionStore } from '../store/contract.js'

/** The assertions the suite uses: `expect(actual).toBe(x)` and `.toEqual(x)`, as common test runners provide. */
export type SuiteExpect = (actual: unknown) => {
  toBe(expected: unknown): void
  toEqual(expected: unknown): void
}

/**
 * The test framework functions `defineStoreSuite` registers its checks with. Typed structurally,
 * so the suite never imports a framework: pass your runner's, or your own.
 *
 * @example
 * import { describe, it, expect } from 'vitest'; defineStoreSuite({ describe, it, expect }, makeStore)
 */
export interface SuiteApi {
  readonly describe: (name: string, body: () => void) => void
  readonly it: (name: string, body: () => Promise<void>, timeout?: number) => void
  readonly expect: SuiteExpect
}

/** What `makeStore` gets: the manual clock the new store must expire records by. */
export interface StoreSuiteContext {
  readonly clock: ManualClock
}

/** Makes a fresh store for one check; the suite closes it after the check. */
export type MakeStore = (context: StoreSuiteContext) => SessionStore | Promise<SessionStore>

/**
 * Options of `defineStoreSuite`. There is deliberately no way to skip a check: every store keeps
 * every rule.
 *
 * @example
 * defineStoreSuite(api, makeStore, { title: 'redis store', timeoutMs: 60_000 })
 */
export interface StoreSuiteOptions {
  /** Title of the outer `describe`. Default `'SessionStore conformance'`. */
  readonly title?: string
  /** Timeout of each check, in ms. Default 30_000. */
  readonly timeoutMs?: number
}

/** What each check gets. Record ids come from `id()`, unique to the check, so stores may be shared. */
export interface CheckContext {
  readonly store: SessionStore
  readonly clock: ManualClock
  readonly expect: SuiteExpect
  /** The prefix every id of this check starts with (for `scan`/`count` with a prefix). */
  readonly prefix: string
  /** A record id unique to this check: `<prefix><name>`. */
  id(name?: string): string
  /** `clock.now() + ms`. */
  at(ms: number): number
  /** Awaits `call`, asserts it failed with a `SessionKitError` of `code`, and resolves that error. */
  fails(call: () => Promise<unknown>, code: SessionKitErrorCode): Promise<SessionKitError | undefined>
}

/** One named check of the contract. */
export interface StoreCheck {
  readonly name: string
  run(t: CheckContext): Promise<void>
}

/** One minute, the TTL most checks give their records. */
export const MINUTE = 60_000

let runCounter = 0

/** Builds the context of one check. */
export function checkContext(store: SessionStore, clock: ManualClock, expect: SuiteExpect): CheckContext {
  const prefix = `conf${Date.now().toString(36)}${(++runCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}:`
  let n = 0
  return {
    store,
    clock,
    expect,
    prefix,
    id: (name) => `${prefix}${name ?? `r${++n}`}`,
    at: (ms) => clock.now() + ms,
    async fails(call, code) {
      let caught: unknown
      let settled = false
      try {
        await call()
        settled = true
      } catch (error) {
        caught = error
      }
      expect(settled ? 'resolved without an error' : errorCode(caught)).toBe(code)
      return isSessionKitError(caught) ? caught : undefined
    },
  }
}

function errorCode(error: unknown): string {
  if (isSessionKitError(error)) return error.code
  return `not a SessionKitError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
}
