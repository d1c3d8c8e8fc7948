import type { Clock } from '../clock.js'
import type { RateLimiter } from '../limits/limiter.js'
import type { RecordMeta, SessionStore } from '../store/contract.js'
import type { KeyedQueue } from '../util/keyed-queue.js'
import type { WarningHandler } from '../warnings.js'
import type { Emitter } from './events.js'
import type { ResolvedKitOptions } from './options.js'
import type { StoreErrorCode } from './store-errors.js'

/** Counters behind `kit.stats()` and `kit.metrics()`, local to this process. */
export interface KitCounters {
  created: number
  ended: number
  expired: number
  evicted: number
  rotated: number
  hits: number
  misses: number
  /** Updates that lost every compare-and-set retry. */
  conflicts: number
  readonly storeErrors: Record<StoreErrorCode, number>
  readonly warnings: Record<string, number>
}

/** What every part of the facade shares: one per kit. */
export interface KitCore {
  readonly store: SessionStore
  readonly clock: Clock
  readonly options: ResolvedKitOptions
  readonly queue: KeyedQueue
  readonly events: Emitter
  readonly counters: KitCounters
  /** Every warning of the kit goes here (counted, then to the `onWarning` option). */
  readonly onWarning: WarningHandler
  /** The kit's rate limiter, made on first use. */
  readonly limiter: () => RateLimiter
}

/** Header facts of a session record, under short names to keep records small. */
export type SessionData = {
  /** User id. */
  readonly u?: string
  /** Device id. */
  readonly d?: string
  /**
   * Absolute end (epoch ms): `createdAt + ttl.absoluteMs`, or later after a login, which starts a
   * new lifetime. Kept in the header so a store's read-and-touch (`touchMeta`, `notAfter: 'a'`)
   * caps the sliding expiry in the same call. Sessions made before it was kept fall back to
   * `createdAt + ttl.absoluteMs`.
   */
  readonly a?: number
  /** The session key (`SessionScope.sessionKey`), kept here from the first rotation on. */
  readonly k?: string
}

/** The session's absolute end: its own (set at login), or `ttl.absoluteMs` after its creation. */
export function absoluteEndOf(meta: RecordMeta, options: { readonly absoluteMs: number }): number {
  return (meta.data as SessionData).a ?? meta.createdAt + options.absoluteMs
}

/** What every user record id starts with. Session ids cannot hold `:`, so the two never collide. */
export const USER_RECORD_PREFIX = 'user:'

/** Record id of a user's scope. */
export function userRecordId(userId: string): string {
  return `${USER_RECORD_PREFIX}${userId}`
}

/** The expiry a write to a user record passes: the user scope's own, longer TTL from now. */
export function userRecordExpiresAt(core: KitCore): number {
  return core.clock.now() + core.options.userTtlMs
}
