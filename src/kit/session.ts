import { SessionKitError } from '../errors.js'
import { createHistory, type HistoryModule } from '../history/history.js'
import { idDigest } from '../ids.js'
import { type Cart, createCart } from '../profile/cart.js'
import { createPreferences, type Preferences } from '../profile/preferences.js'
import { createResponseCache, type ResponseCache } from '../profile/response-cache.js'
import { createState, type TypedState } from '../profile/state.js'
import { createSeen, type SeenModule } from '../seen/seen-module.js'
import type { SessionScope } from '../session-scope.js'
import type { RecordMeta } from '../store/contract.js'
import type { KitCore, SessionData } from './core.js'
import { absoluteEndOf, userRecordExpiresAt, userRecordId } from './core.js'
import { type SessionLimits, sessionLimits } from './limits.js'
import { rotate } from './rotate.js'
import { detachFromUser } from './users.js'

/** What `session.info()` reports. Times are epoch ms. */
export interface SessionInfo {
  readonly id: string
  readonly userId: string | undefined
  readonly deviceId: string | undefined
  readonly createdAt: number
  /** Derived from the sliding expiry (`expiresAt - idleMs`); when the absolute lifetime capped it, a lower bound. */
  readonly lastActiveAt: number
  readonly expiresAt: number
  /** The absolute end: `ttl.absoluteMs` after creation, or after the login that last rotated it. */
  readonly absoluteExpiresAt: number
}

/**
 * A handle on one live session, from `kit.create`, `kit.get` and friends. Cheap to make; its
 * modules are built on first use. Every write through a module counts as activity.
 *
 * @example
 * const s = await kit.create({ userId: 'u1' }); await s.cart.add(line); await s.touch()
 */
export interface Session<P = Record<string, unknown>, S = unknown> {
  readonly id: string
  readonly userId: string | undefined
  readonly deviceId: string | undefined
  readonly createdAt: number
  /**
   * The sliding expiry (epoch ms) as read when this handle was made (after the touch, for
   * `kit.get(id, { touch: true })`): what a cookie's `Max-Age` follows. `info()` reads it anew.
   */
  readonly expiresAt: number
  readonly preferences: Preferences<P>
  readonly cart: Cart
  readonly state: TypedState<S>
  /** Expensive answers kept for this session (bounded, expiring). */
  readonly cache: ResponseCache
  /** Items this session showed, and the penalties a scoring loop adds for them. */
  readonly seen: SeenModule
  /** The conversation: an append-only log, context windows, summaries, stats. */
  readonly history: HistoryModule
  /**
   * Rate limits and quotas of this session and its user (kit option `limits`). The session is
   * counted under its key, which survives rotation: a login or `regenerate` keeps its windows.
   */
  readonly limits: SessionLimits
  /** The session's header as stored now, or `undefined` when it has expired or ended. */
  info(): Promise<SessionInfo | undefined>
  /** Counts as activity: moves the sliding expiry. `false` when the session is gone. */
  touch(): Promise<boolean>
  /** Ends the session now (emits `ended`); `false` when it was already gone. */
  end(): Promise<boolean>
  /**
   * Moves everything the session holds to a new server-issued id in one store call and ends this
   * one (emits `rotated`); resolves the session under its new id, which the caller hands back (a
   * new cookie). The absolute end stays. `NOT_FOUND` when the session is gone or was rotated.
   */
  regenerate(): Promise<Session<P, S>>
}

/** The modules of one handle, each made on first use. */
interface SessionModules<P, S> {
  preferences?: Preferences<P>
  cart?: Cart
  state?: TypedState<S>
  cache?: ResponseCache
  seen?: SeenModule
  history?: HistoryModule
  limits?: SessionLimits
}

/** The one implementation of `Session`; it is also the `SessionScope` its modules see. */
export class SessionHandle<P, S> implements Session<P, S>, SessionScope {
  // A handle is made on every `kit.get`: its fields are assigned in the constructor (`declare`: no
  // field definitions before it), and its modules live in one object made on first use.
  declare readonly id: string
  declare readonly userId: string | undefined
  declare readonly deviceId: string | undefined
  declare readonly createdAt: number
  readonly #core: KitCore
  readonly #meta: RecordMeta
  #modules: SessionModules<P, S> | undefined

  constructor(core: KitCore, meta: RecordMeta) {
    const data = meta.data as SessionData
    this.#core = core
    this.id = meta.id
    this.userId = data.u
    this.deviceId = data.d
    this.createdAt = meta.createdAt
    this.#meta = meta
  }

  get expiresAt(): number {
    return this.#meta.expiresAt
  }
  get store() {
    return this.#core.store
  }
  get clock() {
    return this.#core.clock
  }
  get sessionId() {
    return this.id
  }
  get sessionKey() {
    // A session never rotated keeps no key in its header: its key is the digest of its id.
    return (this.#meta.data as SessionData).k ?? idDigest(this.id)
  }
  get userRecordId() {
    return this.userId === undefined ? undefined : userRecordId(this.userId)
  }
  activityExpiresAt(): number {
    const options = this.#core.options
    return Math.min(this.#core.clock.now() + options.idleMs, absoluteEndOf(this.#meta, options))
  }
  userExpiresAt(): number {
    return userRecordExpiresAt(this.#core)
  }

  /** The modules made so far; the object itself is made on the first module used. */
  #moduleSlots(): SessionModules<P, S> {
    if (this.#modules === undefined) this.#modules = {}
    return this.#modules
  }
  get preferences(): Preferences<P> {
    const modules = this.#moduleSlots()
    const { options, queue } = this.#core
    modules.preferences ??= createPreferences<P>(this, options.preferences, queue, options.cas)
    return modules.preferences
  }
  get cart(): Cart {
    const modules = this.#moduleSlots()
    const { options, queue } = this.#core
    modules.cart ??= createCart(this, options.cart, queue, options.cas)
    return modules.cart
  }
  get state(): TypedState<S> {
    const modules = this.#moduleSlots()
    const { options, queue } = this.#core
    modules.state ??= createState<S>(this, options.state, queue, options.cas)
    return modules.state
  }
  get cache(): ResponseCache {
    const modules = this.#moduleSlots()
    const { options, queue } = this.#core
    modules.cache ??= createResponseCache(this, options.cache, queue, options.cas)
    return modules.cache
  }
  get seen(): SeenModule {
    const modules = this.#moduleSlots()
    modules.seen ??= createSeen(this, this.#core.options.seen)
    return modules.seen
  }
  get history(): HistoryModule {
    const modules = this.#moduleSlots()
    modules.history ??= createHistory(this, this.#core.options.history)
    return modules.history
  }
  get limits(): SessionLimits {
    const modules = this.#moduleSlots()
    modules.limits ??= sessionLimits(this.#core.limiter(), this.sessionKey, this.userId)
    return modules.limits
  }

  async info(): Promise<SessionInfo | undefined> {
    const meta = await this.#core.store.meta(this.id)
    return meta === undefined ? undefined : describeSession(meta, this.#core.options)
  }

  touch(): Promise<boolean> {
    return this.#core.store.touch(this.id, this.activityExpiresAt())
  }

  async end(): Promise<boolean> {
    const removed = await this.#core.store.delete(this.id)
    if (this.userId !== undefined) await detachFromUser(this.#core, this.userId, [this.id])
    if (removed) {
      this.#core.counters.ended++
      this.#core.events.emit('ended', { sessionId: this.id, userId: this.userId, reason: 'ended' })
    }
    return removed
  }

  async regenerate(): Promise<Session<P, S>> {
    const meta = await this.#core.store.meta(this.id)
    if (meta === undefined) {
      throw new SessionKitError(
        'NOT_FOUND',
        'the session has expired, ended or been rotated; it cannot be regenerated',
      )
    }
    return new SessionHandle<P, S>(this.#core, await rotate(this.#core, meta, { renew: false }))
  }
}

/** `SessionInfo` from a stored header. */
export function describeSession(
  meta: RecordMeta,
  options: { readonly idleMs: number; readonly absoluteMs: number },
): SessionInfo {
  const data = meta.data as SessionData
  return {
    id: meta.id,
    userId: data.u,
    deviceId: data.d,
    createdAt: meta.createdAt,
    lastActiveAt: Math.max(meta.createdAt, meta.expiresAt - options.idleMs),
    expiresAt: meta.expiresAt,
    absoluteExpiresAt: absoluteEndOf(meta, options),
  }
}
