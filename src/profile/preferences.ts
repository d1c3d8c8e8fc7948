import { invalidArgument } from '../errors.js'
import type { SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import { deepMerge } from '../util/deep-merge.js'
import { checkJson } from '../util/json.js'
import { type KeyedQueue, queuePart } from '../util/keyed-queue.js'
import { type CasPolicy, casUpdate, replaceValue } from './cas.js'
import { createValueCheck } from './checked-value.js'
import type { StandardSchema } from './standard-schema.js'

/** Deep partial of a preferences object, for `patch` (`null` removes a key). */
export type PreferencesPatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: PreferencesPatch<T[K]> | null }
    : T

/** Options of the preferences module (kit option `preferences`). */
export interface PreferencesOptions {
  /** Any Standard Schema (zod 4, valibot, ...); without one, any JSON object is accepted. */
  readonly schema?: StandardSchema | undefined
  /** Largest stored size in bytes. Default 16 KiB. */
  readonly maxBytes: number
}

/**
 * A session's preferences (budget, brands, sizes): a JSON object typed by your schema.
 *
 * @example
 * await s.preferences.patch({ budget: { min: 500_00, max: 1000_00 } })
 */
export interface Preferences<T> {
  /** The stored preferences, or `undefined` before the first write. */
  get(): Promise<T | undefined>
  /** Deep-merges `patch` (plain objects merge, arrays are replaced, `null` removes), validates, stores. */
  patch(patch: PreferencesPatch<T>): Promise<T>
  /** Replaces the preferences with `value` after validating it. */
  replace(value: T): Promise<T>
  /** Removes the preferences. */
  clear(): Promise<void>
}

const PART = 'prefs'

/** Builds the preferences module for one session (cheap: no parsing). */
export function createPreferences<T>(
  scope: SessionScope,
  options: PreferencesOptions,
  queue: KeyedQueue,
  cas: CasPolicy,
): Preferences<T> {
  const limits = { maxBytes: options.maxBytes }

  const check = createValueCheck('preferences', options, (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidArgument('preferences must be a plain object')
    }
  })

  return {
    async get() {
      const found = await scope.store.getValue<T>(scope.sessionId, PART)
      return found?.value
    },
    async patch(patch) {
      checkJson(patch, limits, 'preferences patch')
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
        throw invalidArgument('a preferences patch must be a plain object')
      }
      const changes = patch as { [key: string]: JsonValue }
      const store = scope.store
      // Without a schema there is nothing to check the merged object against but its size, so a
      // store that merges by itself does it in one call, with no read first.
      if (options.schema === undefined && store.mergeValue !== undefined) {
        const merged = await queuePart(scope, queue, PART, () =>
          store.mergeValue!(scope.sessionId, PART, changes, {
            maxBytes: options.maxBytes,
            expiresAt: scope.activityExpiresAt(),
          }),
        )
        return merged.value as T
      }
      const merged = await casUpdate<JsonValue>(scope, queue, PART, cas, (current) =>
        check(deepMerge(current, changes)),
      )
      return merged as T
    },
    async replace(value) {
      const checked = await check(value)
      await replaceValue(scope, queue, PART, checked)
      return checked as T
    },
    async clear() {
      await queuePart(scope, queue, PART, () =>
        scope.store.deletePart(scope.sessionId, PART, { expiresAt: scope.activityExpiresAt() }),
      )
    },
  }
}
