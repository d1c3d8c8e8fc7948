import { createDetector } from './detect/detector.js'
import type { Detection, Detector, DetectRequest } from './detect/types.js'
import { isSessionKitError, SessionKitError } from './errors.js'
import { type SummaryCounts, summaryCounts } from './history/summary-store.js'
import { assertRecordId, assertSessionId, createSessionId, isValidSessionId, sessionIdError } from './ids.js'
import type { KitCore, SessionData } from './kit/core.js'
import { USER_RECORD_PREFIX } from './kit/core.js'
import { createEmitter, type KitEventName, type KitEvents } from './kit/events.js'
import { parseKitOptions, type SessionKitOptions } from './kit/options.js'
import { type Session, SessionHandle, type SessionInfo } from './kit/session.js'
import { attachToUser, detachFromUser, listUserSessions } from './kit/users.js'
import { checkCallOptions } from './options.js'
import type { JsonValue, RecordMeta, RemovalEvent, SessionStore } from './store/contract.js'
import { createMemoryStore } from './store/memory.js'
import { createKeyedQueue } from './util/keyed-queue.js'

/** The queue bound when neither the options nor the store give one: the Redis store's default timeout. */
const DEFAULT_QUEUE_WAIT_MS = 2000

// The keys of each call's options: a typo (`userID`) must fail, never skip an ownership check.
const CREATE_KEYS = ['userId', 'deviceId', 'id']
const GET_KEYS = ['userId', 'touch']
const GET_OR_CREATE_KEYS = ['userId', 'deviceId']

/** Who a new session is for. */
export interface CreateSessionOptions {
  /** Bind the session to this user (1 to 128 of `A-Z a-z 0-9 _ - . : @`). */
  readonly userId?: string
  /** The device or browser, as the caller names it (`web`, `ios`). */
  readonly deviceId?: string
  /** Use this id instead of a random one; `CONFLICT` when a live session holds it. */
  readonly id?: string
}

/** Options of `kit.get`. */
export interface GetSessionOptions {
  /** The caller's user: a session bound to another user throws `FORBIDDEN`. */
  readonly userId?: string
  /** Count this read as activity (one more store call). Default `false`: only writes count. */
  readonly touch?: boolean
}

/** What `kit.stats()` reports. Counters are this process's since the kit was made; `active` asks the store. */
export interface KitStats {
  readonly active: number
  readonly created: number
  readonly ended: number
  readonly expired: number
  readonly evicted: number
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
 * The facade: sessions, their owners across devices, and the modules of each session.
 *
 * @example
 * const kit = createSessionKit({ ttl: { idleMs: 30 * 60_000 } })
 * const s = await kit.create({ userId: 'u1', deviceId: 'web' })
 */
export interface SessionKit<P = Record<string, JsonValue>, S = JsonValue> {
  readonly store: SessionStore
  /** A new session with a 128-bit random id (or `options.id`). Emits `created`. */
  create(options?: CreateSessionOptions): Promise<Session<P, S>>
  /** The live session, or `undefined` when missing or expired; `FORBIDDEN` when it is another user's. */
  get(id: string, options?: GetSessionOptions): Promise<Session<P, S> | undefined>
  /**
   * The live session `id`, or a fresh one when `id` is absent, unknown or expired (keeping the
   * caller's id when it is valid and free). `FORBIDDEN` when it is another user's.
   */
  getOrCreate(
    id: string | null | undefined,
    options?: Omit<CreateSessionOptions, 'id'>,
  ): Promise<{ session: Session<P, S>; created: boolean }>
  /** Ends a session now; `false` when it was already gone. */
  end(id: string): Promise<boolean>
  /** Binds an anonymous session to `userId` (at login). `FORBIDDEN` when it is another user's; `NOT_FOUND` when gone. */
  link(id: string, userId: string, options?: { readonly deviceId?: string }): Promise<Session<P, S>>
  /** The user's live sessions on every device, most recently active first. */
  sessionsOf(userId: string): Promise<SessionInfo[]>
  /** The user's most recently active live session, to continue on another device. */
  resume(userId: string): Promise<Session<P, S> | undefined>
  stats(): Promise<KitStats>
  /**
   * For stateless gateways: which conversation a request carrying the whole message array belongs
   * to (`detector.detect`), and that conversation's kit session, created when new, so history and
   * the other modules work on it. Pass the upstream's reply to `kit.detector.bindReply(detection, reply)`.
   */
  detect(request: DetectRequest): Promise<KitDetection<P, S>>
  /** The kit's detector (made on first use, from the `detect` option). */
  readonly detector: Detector
  /** Listen for `created`, `ended`, `expired`, `evicted`; returns the unsubscribe function. */
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
  const resolved = parseKitOptions(options)
  const store =
    resolved.store ??
    createMemoryStore({
      maxSessions: resolved.maxSessions,
      ...(resolved.clock ? { clock: resolved.clock } : {}),
    })
  const core: KitCore = {
    store,
    clock: store.clock,
    options: resolved,
    queue: createKeyedQueue({ waitMs: queueWaitMs(resolved.queueTimeoutMs, store) }),
    events: createEmitter(),
    counters: { created: 0, ended: 0, expired: 0, evicted: 0, hits: 0, misses: 0 },
  }
  const unsubscribe = store.subscribe?.((event: RemovalEvent) => onRemoval(core, event))
  const handle = (meta: RecordMeta) => new SessionHandle<P, S>(core, meta)
  let detector: Detector | undefined
  // Made on first use: a kit that never detects never holds the detector's index.
  const detectorOf = () => {
    detector ??= createDetector({ clock: core.clock, ...resolved.detect })
    return detector
  }

  async function create(opts: CreateSessionOptions = {}): Promise<Session<P, S>> {
    checkCallOptions(opts, CREATE_KEYS, 'kit.create()')
    if (opts.userId !== undefined) assertRecordId(opts.userId, 'userId')
    if (opts.deviceId !== undefined) assertRecordId(opts.deviceId, 'deviceId')
    if (opts.id !== undefined) assertSessionId(opts.id)
    const id = opts.id ?? createSessionId()
    const now = core.clock.now()
    const data: SessionData = {
      ...(opts.userId === undefined ? {} : { u: opts.userId }),
      ...(opts.deviceId === undefined ? {} : { d: opts.deviceId }),
      ...(resolved.absoluteMs === undefined ? {} : { a: now + resolved.absoluteMs }),
    }
    const expiresAt = Math.min(now + resolved.idleMs, data.a ?? Number.POSITIVE_INFINITY)
    if (!(await store.create(id, { expiresAt, data }))) {
      throw new SessionKitError(
        'CONFLICT',
        `session id ${id} is taken by a live session; pick another or omit id`,
      )
    }
    if (opts.userId !== undefined) await attachToUser(core, opts.userId, id, opts.deviceId, now)
    core.counters.created++
    core.events.emit('created', { sessionId: id, userId: opts.userId })
    return handle({ id, createdAt: now, expiresAt, data })
  }

  // Not `async`: one promise hop instead of three, since this is the call made on every request.
  function get(id: string, opts?: GetSessionOptions): Promise<Session<P, S> | undefined> {
    if (!isValidSessionId(id)) return Promise.reject(sessionIdError(id))
    if (opts !== undefined) {
      try {
        checkCallOptions(opts, GET_KEYS, 'kit.get()')
      } catch (error) {
        return Promise.reject(error)
      }
    }
    const found = store.meta(id).then((meta) => {
      if (meta === undefined) {
        core.counters.misses++
        return undefined
      }
      const owner = meta.data.u
      if (opts?.userId !== undefined && owner !== undefined && owner !== opts.userId) {
        throw new SessionKitError(
          'FORBIDDEN',
          'this session belongs to another user; create a new one instead',
        )
      }
      core.counters.hits++
      return handle(meta)
    })
    if (opts?.touch !== true) return found
    return found.then(async (session) => {
      if (session !== undefined && !(await session.touch())) return undefined
      return session
    })
  }

  async function getOrCreate(
    id: string | null | undefined,
    opts: Omit<CreateSessionOptions, 'id'> = {},
  ): Promise<{ session: Session<P, S>; created: boolean }> {
    checkCallOptions(opts, GET_OR_CREATE_KEYS, 'kit.getOrCreate()')
    if (isValidSessionId(id)) {
      const found = await get(id, opts.userId === undefined ? undefined : { userId: opts.userId })
      if (found !== undefined) return { session: found, created: false }
      try {
        return { session: await create({ ...opts, id }), created: true }
      } catch (error) {
        // Taken between the lookup and the create: a fresh random id is the safe answer.
        if (!isSessionKitError(error, 'CONFLICT')) throw error
      }
    }
    return { session: await create(opts), created: true }
  }

  return {
    store,
    create,
    get,
    getOrCreate,
    get detector() {
      return detectorOf()
    },
    async detect(request) {
      const detection = detectorOf().detect(request)
      const { session, created } = await getOrCreate(detection.sessionId)
      return { detection, session, created }
    },
    async end(id) {
      const found = await get(id)
      return found === undefined ? false : found.end()
    },
    async link(id, userId, opts = {}) {
      checkCallOptions(opts, ['deviceId'], 'kit.link()')
      assertSessionId(id)
      assertRecordId(userId, 'userId')
      if (opts.deviceId !== undefined) assertRecordId(opts.deviceId, 'deviceId')
      const patch = { u: userId, ...(opts.deviceId === undefined ? {} : { d: opts.deviceId }) }
      const linked = await store.patchMeta(id, patch, { ifData: { u: null } })
      const meta = linked ?? (await store.meta(id))
      if (meta === undefined) throw new SessionKitError('NOT_FOUND', `session ${id} has expired or ended`)
      if (meta.data.u !== userId) {
        throw new SessionKitError('FORBIDDEN', 'this session belongs to another user; it cannot be linked')
      }
      await attachToUser(core, userId, id, (meta.data as SessionData).d, meta.createdAt)
      return handle(meta)
    },
    async sessionsOf(userId) {
      assertRecordId(userId, 'userId')
      return listUserSessions(core, userId)
    },
    async resume(userId) {
      assertRecordId(userId, 'userId')
      for (const info of await listUserSessions(core, userId)) {
        const found = await get(info.id, { userId })
        if (found !== undefined) return found
      }
      return undefined
    },
    async stats() {
      const [records, users] = await Promise.all([store.count(), store.count({ prefix: USER_RECORD_PREFIX })])
      const { hits, misses, created, ended, expired, evicted } = core.counters
      const lookups = { hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) }
      const summaries = summaryCounts(resolved.history)
      return { active: records - users, created, ended, expired, evicted, lookups, summaries }
    },
    on: (event, listener) => core.events.on(event, listener),
    async close() {
      unsubscribe?.()
      await store.close()
    },
  }
}

/** How long an update waits behind others of its session part: as configured, else the store's own timeout. */
function queueWaitMs(configured: number | undefined, store: SessionStore): number {
  return configured ?? store.capabilities.commandTimeoutMs ?? DEFAULT_QUEUE_WAIT_MS
}

function onRemoval(core: KitCore, event: RemovalEvent): void {
  if (event.reason === 'deleted' || event.id.startsWith(USER_RECORD_PREFIX)) return
  const payload = {
    sessionId: event.id,
    userId: (event.data as SessionData).u,
    reason: event.reason,
    ...(event.limit === undefined ? {} : { limit: event.limit }),
  }
  core.counters[event.reason]++
  core.events.emit(event.reason, payload)
  const userId = payload.userId
  if (userId !== undefined) {
    detachFromUser(core, userId, [event.id]).catch((error: unknown) => {
      process.emitWarning(`sessionkit could not unlist session ${event.id} from its user: ${String(error)}`)
    })
  }
}
