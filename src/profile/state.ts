import { invalidArgument } from '../errors.js'
import type { SessionScope } from '../session-scope.js'
import type { JsonValue } from '../store/contract.js'
import type { KeyedQueue } from '../util/keyed-queue.js'
import { type CasPolicy, callUpdater, casUpdate, replaceValue } from './cas.js'
import { createValueCheck } from './checked-value.js'
import type { StandardSchema } from './standard-schema.js'

/** Options of the typed-state module (kit option `state`). */
export interface StateOptions {
  /** Any Standard Schema; without one, any JSON value is accepted. */
  readonly schema?: StandardSchema | undefined
  /** What `get` and `update` see before the first write (deep-frozen). Default `undefined`. */
  readonly initial?: JsonValue | undefined
  /** Largest stored size in bytes. Default 64 KiB. */
  readonly maxBytes: number
}

/**
 * Whatever else an application tracks for a session (filters, conversation phase, intents,
 * engagement score), typed by your schema and updated with compare-and-set.
 *
 * @example
 * await s.state.update((st) => ({ ...st, phase: 'negotiation' }))
 */
export interface TypedState<T> {
  /** The stored state, or the `initial` option before the first write. */
  get(): Promise<T | undefined>
  /** Replaces the state after validating it. */
  replace(value: T): Promise<T>
  /**
   * Applies `fn` to the current state and stores the result with compare-and-set; on a race with
   * another process it re-reads and calls `fn` again (so keep `fn` free of side effects), up to
   * `maxRetries`, then throws `CONFLICT`. Concurrent updates in one process queue, so none is lost.
   * `fn` gets a deep-frozen value on every store: return a new one; changing it fails with
   * `INVALID_ARGUMENT`.
   */
  update(fn: (current: T | undefined) => T | Promise<T>): Promise<T>
}

const PART = 'state'

/** Builds the state module for one session (cheap: no parsing). */
export function createState<T>(
  scope: SessionScope,
  options: StateOptions,
  queue: KeyedQueue,
  cas: CasPolicy,
): TypedState<T> {
  const initial = options.initial as T | undefined
  const check = createValueCheck('state', options)

  return {
    async get() {
      const found = await scope.store.getValue<T>(scope.sessionId, PART)
      return found === undefined ? initial : found.value
    },
    async replace(value) {
      const checked = await check(value)
      await replaceValue(scope, queue, PART, checked)
      return checked as T
    },
    async update(fn) {
      if (typeof fn !== 'function') throw invalidArgument('state.update needs a function (current) => next')
      const next = await casUpdate<JsonValue>(scope, queue, PART, cas, async (current) =>
        check(await callUpdater(fn, current === undefined ? initial : (current as T), 'state.update')),
      )
      return next as T
    },
  }
}
