import type { SharedDetector } from './detect/shared-detector.js'
import type { Detection, Detector, DetectRequest } from './detect/types.js'
import { invalidArgument, SessionKitError } from './errors.js'
import { type SummaryCounts, summaryCounts } from './history/summary-store.js'
import { assertRecordId, isValidSessionId } from './ids.js'
import { type AccessOptions, checkAccess } from './kit/access.js'
import type { KitCore } from './kit/core.js'
import { lazyDetector } from './kit/detector.js'
import { createEmitter, type KitEventName, type KitEvents } from './kit/events.js'
import { type CreateSessionOptions, createSessionRecord, idTaken } from './kit/lifecycle.js'
import { lazyLimiter } from './kit/limits.js'
import { activeSessions, createKitCounters, kitMetricsSource } from './kit/metrics.js'
import { parseKitOptions, type SessionKitOptions, withCounters } from './kit/options.js'
import { queueWaitMs } from './kit/queue-wait.js'
import { onRemoval } from './kit/removals.js'
import { rotate } from './kit/rotate.js'
import { type Session, SessionHandle, type SessionInfo } from './kit/session.js'
import { countingStoreErrors } from './kit/store-errors.js'
import { createUserData, type UserData } from './kit/user-data.js'
import { listUserSessions } from './kit/users.js'
import type { RateLimiter } from './limits/limiter.js'
import type { MetricsSnapshot } from './metrics/types.js'
import { checkCallOptions } from './options.js'
import type { JsonValue, RecordMeta, RemovalEvent, SessionStore } from './store/contract.js'
import { createMemoryStore } from './store/memory.js'
import { createKeyedQueue } from './util/keyed-queue.js'
import { type WarningHandler, warn } from './warnings.js'

export type { AccessOptions } from './kit/access.js'
export type { CreateSessionOptions } from './kit/lifecycle.js'
export type { ErasureReport, UserData, UserDataOptions } from './kit/user-data.js'

// The keys of each call's options: a typo (`userID`) must fail, never skip an ownership check.
const ACCESS_KEYS = ['userId', 'trusted']
const CREATE_KEYS = ['userId', 'deviceId', 'id']
const GET_KEYS = [...ACCESS_KEYS, 'touch']
const GET_OR_CREATE_KEYS = [...ACCESS_KEYS, 'deviceId', 'adopt']

/** Options of `kit.get`. */
export interface GetSessionOptions extends AccessOptions {
  /** Count this read as activity, in the same store call (one round trip on Redis). Default `false`: only writes count. */
  readonly touch?: boolean
}

/** Options of `kit.getOrCreate`: who asks, and who a new session is for. */
export interface GetOrCreateOptions extends AccessOptions {
  /** The device of a new session. */
  readonly deviceId?: string
  /**
   * Make an unknown `id` under that very id instead of a fresh one: only for callers that issue
   * ids themselves (a gateway's own signed ids), never for ids a browser sends. An id that was
   * ever issued (its tombstone lasts the absolute lifetime) still gets a fresh id: compare
   * `session.id` with the id you passed. Default `false`.
   */
  readonly adopt?: boolean
}

/**
 * What `kit.stats()` reports. Counters are this process's since the kit was made; `active` asks
 * the store (`estimateCount` when it has one: on Redis it may include sessions that expired in the
 * last minute).
 */
export interface KitStats {
  readonly active: number
  readonly created: number
  readonly ended: number
  readonly expired: number
  readonly evicted: number
  readonly rotated: number
  readonly lookups: { readonly hits: number; readonly misses: number; readonly hitRate: number }
  /** Summariser calls, and those that failed or timed out (the extractive fallback was stored instead). */
  readonly summaries: Readonly<SummaryCounts>
}

/** What `kit.detect()` resolves: the detector's answer and the kit session it names. */
export interface KitDetection<P, S> {
  readonly detection: Detection
  readonly session: Session<P, S>
  /** The kit session was created by this call (a new conversation, a split reset, an unknown explicit id). */
  readonly created: boolean
}

/**
 * The facade: sessions, their owners across devices, and the modules of each session. Ids are
 * issued by the server only, rotated at login, never issued twice; a session bound to a user is
 * reachable only with that user's id (see `AccessOptions`).
 *
 * @example
 * const kit = createSessionKit({ ttl: { idleMs: 30 * 60_000 } })
 * const { session, created } = await kit.getOrCreate(req.cookies.sid, { userId: req.user?.id })
 */
export interface SessionKit<P = Record<string, JsonValue>, S = JsonValue> {
  readonly store: SessionStore
  /** A new session with a 128-bit random id (or `options.id`, see there). Emits `created`. */
  create(options?: CreateSessionOptions): Promise<Session<P, S>>
  /**
   * The live session, or `undefined` when missing, expired or not a valid id (a hostile cookie is
   * an unknown id, never an error). `FORBIDDEN` when it is bound to another user, or to a user and
   * `userId` is not given (unless `trusted`).
   */
  get(id: string, options?: GetSessionOptions): Promise<Session<P, S> | undefined>
  /**
   * The live session `id` (with the access rules of `get`), or else a fresh session under a new
   * server-issued id (`created: true`: set the new cookie). An unknown, expired, ended or invalid
   * id is never taken over (unless `adopt`, see there).
   */
  getOrCreate(
    id: string | null | undefined,
    options?: GetOrCreateOptions,
  ): Promise<{ session: Session<P, S>; created: boolean }>
  /** Ends a session now, with the access rules of `get`; `false` when it was already gone. */
  end(id: string, options?: AccessOptions): Promise<boolean>
  /**
   * At login: binds the session to `userId` and moves it to a new id in one store call, ending the
   * old id (emits `rotated`); resolves the session under its new id, which the caller hands back
   * (a new cookie). The session gets a new absolute lifetime. An anonymous session or one of the
   * same user is accepted; `FORBIDDEN` when it is another user's; `NOT_FOUND` when it is gone,
   * invalid, or was rotated by a concurrent login (of concurrent logins of one session, one wins).
   */
  link(id: string, userId: string, options?: { readonly deviceId?: string }): Promise<Session<P, S>>
  /**
   * Moves the session to a new id in one store call and ends the old one, with the access rules
   * of `get` (emits `rotated`): after a privilege change, or now and then. Keeps the absolute end.
   * `NOT_FOUND` when it is gone or invalid.
   */
  regenerate(id: string, options?: AccessOptions): Promise<Session<P, S>>
  /** The user's live sessions on every device, most recently active first. */
  sessionsOf(userId: string): Promise<SessionInfo[]>
  /** The user's most recently active live session, to continue on another device. */
  resume(userId: string): Promise<Session<P, S> | undefined>
  /** A user's data across all their sessions: export (access requests) and erase (erasure requests). */
  readonly users: UserData
  stats(): Promise<KitStats>
  /**
   * The kit's metrics (`sessionkit_sessions_active`, `sessionkit_store_errors_total{code}`, ...),
   * then its rate limiter's when the `limits` option is set, then its detector's when it made one,
   * for `toPrometheusText`, `toMetricsJson` or your own exporter. Counters are this process's;
   * `sessionkit_sessions_active` asks the store.
   */
  metrics(): Promise<MetricsSnapshot>
  /**
   * For stateless gateways: which conversation a request carrying the whole message array belongs
   * to (`detector.detect`), and that conversation's kit session, created under the detector's id
   * when new, so history and the other modules work on it. When that id's kit session has ended,
   * ids are not issued twice: the detector forgets it and the request starts a new conversation,
   * or, for an `explicitId`, `CONFLICT` asks the client for a new one. Pass the upstream's reply to
   * `kit.detector.bindReply(detection, reply)` (await it: on a store with a shared detection index
   * it returns a promise).
   */
  detect(request: DetectRequest, options?: AccessOptions): Promise<KitDetection<P, S>>
  /**
   * The kit's detector (made on first use, from the `detect` option): on the store's shared
   * detection index when it has one (Redis: every replica places a conversation alike), else in process.
   */
  readonly detector: Detector | SharedDetector
  /**
   * The kit's rate limiter (from the `limits` option; state in the store when it keeps any), for
   * subjects without a session: `kit.limits.consume({ tenant: apiKeyId }, { requests: 1 })`.
   */
  readonly limits: RateLimiter
  /** Listen for `created`, `ended`, `expired`, `evicted`, `rotated`; returns the unsubscribe function. */
  on<E extends KitEventName>(event: E, listener: (payload: KitEvents[E]) => void): () => void
  /** Stops listening to the store and closes it (a memory store with snapshots saves one). */
  close(): Promise<void>
}

/**
 * Makes a kit. Options are checked once here (`INVALID_CONFIG` names the bad one); the default
 * store is a bounded memory store.
 *
 * @example
 * const kit = createSessionKit({ preferences: { schema: PreferencesSchema } })
 */
export function createSessionKit<P = Record<string, JsonValue>, S = JsonValue>(
  options: SessionKitOptions<P, S> = {},
): SessionKit<P, S> {
  const parsed = parseKitOptions(options)
  const counters = createKitCounters()
  const onWarning: WarningHandler = (w) => {
    counters.warnings[w.code] = (counters.warnings[w.code] ?? 0) + 1
    warn(parsed.onWarning, w.code, w.message, w.cause)
  }
  const resolved = withCounters(parsed, counters, onWarning)
  const store = countingStoreErrors(
    resolved.store ??
      createMemoryStore({
        maxSessions: resolved.maxSessions,
        onWarning,
        ...(resolved.clock ? { clock: resolved.clock } : {}),
      }),
    (code) => counters.storeErrors[code]++,
  )
  const core: KitCore = {
    store,
    clock: store.clock,
    options: resolved,
    queue: createKeyedQueue({ waitMs: queueWaitMs(resolved.queueTimeoutMs, store) }),
    events: createEmitter(onWarning),
    counters,
    onWarning,
    limiter: lazyLimiter(resolved.limits, store, store.clock, onWarning),
  }
  const unsubscribe = store.subscribe?.((event: RemovalEvent) => onRemoval(core, event))
  const handle = (meta: RecordMeta) => new SessionHandle<P, S>(core, meta)
  const answersNow = store.metaNow !== undefined
  const detectors = lazyDetector(core)
  const kitOnly = kitMetricsSource(core)

  async function create(opts: CreateSessionOptions = {}): Promise<Session<P, S>> {
    checkCallOptions(opts, CREATE_KEYS, 'kit.create()')
    const meta = await createSessionRecord(core, opts)
    if (meta === undefined) throw idTaken()
    return handle(meta)
  }

  /** The handle of a live header, after the access check (`FORBIDDEN`, see `checkAccess`). */
  function found(meta: RecordMeta, access: AccessOptions | undefined): Session<P, S> {
    if (meta.data.u !== undefined) checkAccess(meta, access)
    core.counters.hits++
    return handle(meta)
  }

  function missed(): undefined {
    core.counters.misses++
    return undefined
  }

  /** `kit.get`, its options checked. */
  function get(id: string, opts?: GetSessionOptions): Promise<Session<P, S> | undefined> {
    if (opts !== undefined) {
      try {
        checkCallOptions(opts, GET_KEYS, 'kit.get()')
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return lookup(id, opts)
  }

  // Not `async`: one promise hop instead of three, since this is the call made on every request.
  function lookup(id: string, opts?: GetSessionOptions): Promise<Session<P, S> | undefined> {
    if (!isValidSessionId(id)) {
      if (typeof id !== 'string') return Promise.reject(invalidArgument('session id must be a string'))
      return Promise.resolve(missed())
    }
    if (opts?.touch !== true) {
      if (!answersNow) return store.meta(id).then((meta) => (meta ? found(meta, opts) : missed()))
      // A store of this process answers now: one settled promise, no hop through the store's.
      try {
        const meta = store.metaNow!(id)
        return Promise.resolve(meta ? found(meta, opts) : missed())
      } catch (error) {
        return Promise.reject(error)
      }
    }
    if (store.touchMeta !== undefined) {
      // Read and touch in one store call, capped at the absolute end (`a`); a session the caller
      // may not reach is left untouched (and refused by found()): a bound one needs its user, or
      // `trusted` without a user.
      const anyone = opts.trusted === true && opts.userId === undefined
      const touchOptions = {
        notAfter: 'a',
        ...(anyone ? {} : { ifDataAbsentOr: { u: opts.userId ?? null } }),
      }
      return store
        .touchMeta(id, core.clock.now() + resolved.idleMs, touchOptions)
        .then((result) => (result ? found(result.meta, opts) : missed()))
    }
    return store.meta(id).then(async (meta) => {
      if (meta === undefined) return missed()
      const session = found(meta, opts)
      return (await session.touch()) ? session : undefined
    })
  }

  /** The session under `id` made now, or found made by a concurrent call; `undefined` when `id` was issued before. */
  async function adopt(
    id: string,
    opts: GetOrCreateOptions,
  ): Promise<{ session: Session<P, S>; created: boolean } | undefined> {
    const { userId, deviceId } = opts
    const made = await createSessionRecord(core, { id, userId, deviceId })
    if (made !== undefined) return { session: handle(made), created: true }
    const raced = await lookup(id, opts)
    return raced === undefined ? undefined : { session: raced, created: false }
  }

  async function getOrCreate(
    id: string | null | undefined,
    opts: GetOrCreateOptions = {},
  ): Promise<{ session: Session<P, S>; created: boolean }> {
    checkCallOptions(opts, GET_OR_CREATE_KEYS, 'kit.getOrCreate()')
    if (isValidSessionId(id)) {
      const found = await lookup(id, opts)
      if (found !== undefined) return { session: found, created: false }
      const adopted = opts.adopt === true ? await adopt(id, opts) : undefined
      if (adopted !== undefined) return adopted
    }
    return { session: await create({ userId: opts.userId, deviceId: opts.deviceId }), created: true }
  }

  /** The header of live session `id` the caller may reach; `NOT_FOUND` for a missing or invalid id. */
  async function reach(id: string, access: AccessOptions | undefined, what: string): Promise<RecordMeta> {
    const meta = isValidSessionId(id) ? await store.meta(id) : undefined
    if (meta === undefined) {
      throw new SessionKitError(
        'NOT_FOUND',
        `the session has expired, ended or been rotated; it cannot be ${what}`,
      )
    }
    checkAccess(meta, access)
    return meta
  }

  const kit = {
    store,
    create,
    get,
    getOrCreate,
    users: createUserData(core),
    async detect(request, access) {
      checkCallOptions(access, ACCESS_KEYS, 'kit.detect()')
      const detector = detectors.get()
      const detection = await detector.detect(request)
      const id = detection.sessionId
      const found = await lookup(id, access)
      if (found !== undefined) return { detection, session: found, created: false }
      const adopted = await adopt(id, access ?? {})
      if (adopted !== undefined) return { detection, ...adopted }
      if (detection.explicit) {
        throw new SessionKitError(
          'CONFLICT',
          'the session of this explicitId has ended and ids are never issued twice; send a new explicitId',
        )
      }
      // The detector still knew a conversation whose kit session ended: it starts a new one.
      await detector.forget(id, detection.tenant)
      const fresh = await detector.detect(request)
      const meta = await createSessionRecord(core, { id: fresh.sessionId, userId: access?.userId })
      if (meta === undefined) throw idTaken()
      return { detection: fresh, session: handle(meta), created: true }
    },
    async end(id, access) {
      checkCallOptions(access, ACCESS_KEYS, 'kit.end()')
      const found = await lookup(id, access)
      return found === undefined ? false : found.end()
    },
    async link(id, userId, opts = {}) {
      checkCallOptions(opts, ['deviceId'], 'kit.link()')
      assertRecordId(userId, 'userId')
      if (opts.deviceId !== undefined) assertRecordId(opts.deviceId, 'deviceId')
      const meta = await reach(id, { userId }, 'linked')
      return handle(await rotate(core, meta, { userId, deviceId: opts.deviceId, renew: true }))
    },
    async regenerate(id, access) {
      checkCallOptions(access, ACCESS_KEYS, 'kit.regenerate()')
      return handle(await rotate(core, await reach(id, access, 'regenerated'), { renew: false }))
    },
    async sessionsOf(userId) {
      assertRecordId(userId, 'userId')
      return listUserSessions(core, userId)
    },
    async resume(userId) {
      assertRecordId(userId, 'userId')
      for (const info of await listUserSessions(core, userId)) {
        const found = await lookup(info.id, { userId })
        if (found !== undefined) return found
      }
      return undefined
    },
    async stats() {
      const active = await activeSessions(store)
      const { hits, misses, created, ended, expired, evicted, rotated } = core.counters
      const lookups = { hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) }
      const summaries = summaryCounts(resolved.history)
      return { active, created, ended, expired, evicted, rotated, lookups, summaries }
    },
    async metrics() {
      const own = await kitOnly()
      const detector = detectors.made()
      return detector === undefined ? own : [...own, ...detector.metrics()]
    },
    on: (event, listener) => core.events.on(event, listener),
    async close() {
      unsubscribe?.()
      await store.close()
    },
  } satisfies Omit<SessionKit<P, S>, 'detector' | 'limits'>
  // The two getters live on the kit's prototype: V8 keeps an object literal that has an accessor in
  // dictionary mode, where each `kit.get` is a hash lookup that is never inlined.
  return Object.setPrototypeOf(kit, {
    get detector() {
      return detectors.get()
    },
    get limits() {
      return core.limiter()
    },
  }) as SessionKit<P, S>
}
