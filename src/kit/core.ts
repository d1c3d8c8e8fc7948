import type { Clock } from '../clock.js'
import type { SessionStore } from '../store/contract.js'
import type { KeyedQueue } from '../util/keyed-queue.js'
import type { Emitter } from './events.js'
import type { ResolvedKitOptions } from './options.js'

/** Counters behind `kit.stats()`, local to this process. */
export interface KitCounters {
  created: number
  ended: number
  expired: number
  evicted: number
  hits: number
  misses: number
}

/** What every part of the facade shares: one per kit. */
export interface KitCore {
  readonly store: SessionStore
  readonly clock: Clock
  readonly options: ResolvedKitOptions
  readonly queue: KeyedQueue
  readonly events: Emitter
  readonly counters: KitCounters
}

/** Header facts of a session record, under short names to keep records small. */
export type SessionData = {
  /** User id. */
  readonly u?: string
  /** Device id. */
  readonly d?: string
  /** Absolute end (epoch ms), when the kit has an absolute lifetime. */
  readonly a?: number
}

/** Record id of a user's scope. Session ids cannot hold `:`, so the two never collide. */
export function userRecordId(userId: string): string {
  return `user:${userId}`
}

export const USER_RECORD_PREFIX = 'user:'

/** The expiry a write to a user record passes: the user scope's own, longer TTL from now. */
export function userRecordExpiresAt(core: KitCore): number {
  return core.clock.now() + core.options.userTtlMs
}
