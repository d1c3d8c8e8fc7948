import { invalidArgument, isSessionKitError } from '../errors.js'
import { checkCallOptions } from '../options.js'
import { assertParsed, assertScope, type SessionScope } from '../session-scope.js'
import type { PushResult, RangeResult } from '../store/contract.js'
import { foldGenerations } from './fold.js'
import { encodeGeneration, SEEN_PART } from './generation.js'
import { buildGeneration, type SeenMarkOptions } from './mark-input.js'
import { resolveCallPolicy, type SeenOptions } from './options.js'
import type { SeenPolicyInput } from './policy-types.js'
import { createSeenView } from './view.js'
import type { SeenView } from './view-types.js'

/**
 * What `mark` reports.
 *
 * @example
 * const { generation } = await s.seen.mark(['tee-1']) // 1 for the first mark of the session
 */
export interface SeenMarkResult {
  /** The generation number this mark got (1, 2, 3 ... per session); 0 when `ids` was empty. */
  readonly generation: number
  /** Generations that fell off the front to keep `seen.maxGenerations`. */
  readonly dropped: number
  /** True when `idempotencyKey` was seen before and nothing was recorded. */
  readonly duplicate: boolean
}

/**
 * Options of `view`.
 *
 * @example
 * const FLAT = { kind: 'flat' } as const; await s.seen.view({ policy: FLAT })
 */
export interface SeenViewOptions {
  /** A policy for this view only, replacing the kit's `seen.policy` (its defaults per kind apply). */
  readonly policy?: SeenPolicyInput
}

/**
 * A session's seen items (`session.seen`): record what was shown, then read a view with one
 * store call and score candidates against it synchronously.
 *
 * @example
 * const view = await s.seen.view(); const score = base + view.penalty(id)
 * await s.seen.mark(chosenIds, { attributes: { 'tee-1': ['color:blue'] } })
 */
export interface SeenModule {
  /**
   * Records one generation: the items shown together now. One atomic push to the session (and,
   * when the session has a user and the user level is on, one to the user record in parallel).
   * Counts as activity. Empty `ids` records nothing.
   */
  mark(ids: readonly string[], options?: SeenMarkOptions): Promise<SeenMarkResult>
  /** Reads the exposures (one store call per level, in parallel) into a synchronous view. */
  view(options?: SeenViewOptions): Promise<SeenView>
  /** Forgets this session's exposures; with `{ user: true }` the user level's too. */
  clear(options?: { readonly user?: boolean }): Promise<void>
}

const noMark: SeenMarkResult = { generation: 0, dropped: 0, duplicate: false }

/**
 * Builds `session.seen` for one session handle. Cheap: options were parsed once by
 * `parseSeenOptions`; nothing is parsed here.
 *
 * @example
 * const seen = createSeen(scope, parseSeenOptions({ maxItems: 128 }))
 */
export function createSeen(scope: SessionScope, options: SeenOptions): SeenModule {
  assertScope(scope, 'createSeen')
  assertParsed(options, 'maxItems', 'number', 'createSeen', 'parseSeenOptions')
  const { store, clock, sessionId, sessionKey } = scope
  const userLevel = options.user
  const userRecord = userLevel === undefined ? undefined : scope.userRecordId

  return {
    async mark(ids, markOptions) {
      const now = clock.now()
      const { generation, idempotencyKey } = buildGeneration(ids, markOptions, now, options)
      if (generation.ids.length === 0) return noMark
      const key = idempotencyKey === undefined ? {} : { idempotencyKey }
      const sessionPush = store.push(sessionId, SEEN_PART, [encodeGeneration(generation)], {
        max: options.maxGenerations,
        expiresAt: scope.activityExpiresAt(),
        ...key,
      })
      if (userRecord === undefined || userLevel === undefined) return markResult(await sessionPush)
      const userExpiresAt = scope.userExpiresAt()
      const pushUser = () =>
        store.push(userRecord, SEEN_PART, [encodeGeneration({ ...generation, s: sessionKey })], {
          max: userLevel.maxGenerations,
          expiresAt: userExpiresAt,
          partExpiresAt: Math.min(now + userLevel.ttlMs, userExpiresAt),
          ...key,
        })
      const [pushed, userPushed] = await Promise.allSettled([sessionPush, pushUser()])
      if (pushed.status === 'rejected') throw pushed.reason
      if (userPushed.status === 'rejected') {
        // The user scope of a live session can be gone (evicted by a memory cap, or expired
        // while the session lived on): make it again rather than fail a mark the session took.
        if (!isSessionKitError(userPushed.reason, 'NOT_FOUND')) throw userPushed.reason
        await store.create(userRecord, { expiresAt: userExpiresAt, data: {} })
        await pushUser()
      }
      return markResult(pushed.value)
    },

    async view(viewOptions) {
      if (viewOptions !== undefined && (typeof viewOptions !== 'object' || viewOptions === null)) {
        throw invalidArgument('seen.view(options) takes an object such as { policy: { kind: "flat" } }')
      }
      checkCallOptions(viewOptions, ['policy'], 'seen.view()')
      const policy =
        viewOptions?.policy === undefined ? options.policy : resolveCallPolicy(viewOptions.policy)
      const [session, user] = await Promise.all([
        store.range<unknown>(sessionId, SEEN_PART, 0, -1),
        userRecord === undefined
          ? Promise.resolve(undefined)
          : store.range<unknown>(userRecord, SEEN_PART, 0, -1),
      ])
      const now = clock.now()
      const folded = foldGenerations(
        now,
        policy,
        { entries: session.entries, lastSeq: session.lastSeq, maxItems: options.maxItems },
        userLevelInput(user, userLevel, sessionKey),
      )
      return createSeenView(folded, policy, now)
    },

    async clear(clearOptions) {
      const jobs = [store.deletePart(sessionId, SEEN_PART, { expiresAt: scope.activityExpiresAt() })]
      if (clearOptions?.user === true && userRecord !== undefined) jobs.push(clearUser(userRecord))
      await Promise.all(jobs)
    },
  }

  async function clearUser(id: string): Promise<void> {
    try {
      await store.deletePart(id, SEEN_PART)
    } catch (error) {
      // A user record that expired has nothing left to clear.
      if (!isSessionKitError(error, 'NOT_FOUND')) throw error
    }
  }
}

function markResult(pushed: PushResult): SeenMarkResult {
  return { generation: pushed.lastSeq, dropped: pushed.dropped, duplicate: pushed.duplicate }
}

function userLevelInput(
  user: RangeResult<unknown> | undefined,
  level: SeenOptions['user'],
  sessionKey: string,
) {
  if (user === undefined || level === undefined) return undefined
  return {
    entries: user.entries,
    lastSeq: user.lastSeq,
    maxItems: level.maxItems,
    skipSession: sessionKey,
    horizonMs: level.ttlMs,
  }
}
