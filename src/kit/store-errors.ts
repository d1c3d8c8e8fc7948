import { isSessionKitError } from '../errors.js'
import type { SessionStore } from '../store/contract.js'

/** The store failures `sessionkit_store_errors_total` counts, by code. */
export type StoreErrorCode = 'STORE_UNAVAILABLE' | 'STORE_REJECTED'

/**
 * The store the kit and its modules call: for a store shared across processes (Redis,
 * PostgreSQL), one that counts each call failing with `STORE_UNAVAILABLE` or `STORE_REJECTED`
 * and rethrows it unchanged. A store of this process (`atomicity: 'process'`) has no network to
 * fail, so it is used as it is and its calls cost nothing more.
 */
export function countingStoreErrors(
  store: SessionStore,
  count: (code: StoreErrorCode) => void,
): SessionStore {
  if (store.capabilities.atomicity === 'process') return store
  const onError = (error: unknown): never => {
    if (isSessionKitError(error, 'STORE_UNAVAILABLE') || isSessionKitError(error, 'STORE_REJECTED')) {
      count(error.code as StoreErrorCode)
    }
    throw error
  }
  const wrapped = new Map<PropertyKey, unknown>()
  // A proxy rather than a copy of the contract's methods, so methods a store adds later are kept.
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      let fn = wrapped.get(property)
      if (fn === undefined) {
        fn = (...args: unknown[]) => {
          const result: unknown = value.apply(target, args)
          return result instanceof Promise ? result.catch(onError) : result
        }
        wrapped.set(property, fn)
      }
      return fn
    },
  })
}
