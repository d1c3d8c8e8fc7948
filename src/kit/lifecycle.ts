import { SessionKitError } from '../errors.js'
import { assertRecordId, assertSessionId, createSessionId } from '../ids.js'
import type { RecordMeta } from '../store/contract.js'
import type { KitCore, SessionData } from './core.js'
import { attachToUser } from './users.js'

/** Who a new session is for. */
export interface CreateSessionOptions {
  /** Bind the session to this user (1 to 128 of `A-Z a-z 0-9 _ - . : @`). */
  readonly userId?: string
  /** The device or browser, as the caller names it (`web`, `ios`). */
  readonly deviceId?: string
  /**
   * Use this id instead of a server-issued one: only for callers that issue ids themselves (a
   * gateway's own signed ids). `CONFLICT` when a live session holds it or it was ever issued
   * before (a tombstone lasts the absolute lifetime): ids are never issued twice.
   */
  readonly id?: string
}

/**
 * Makes a session: under `options.id` or a fresh 128-bit id, with an absolute end and a tombstone
 * until that end in the same store call, then listed under its user. Resolves `undefined` when
 * the id is held by a live session or a tombstone (only possible for a given id).
 */
export async function createSessionRecord(
  core: KitCore,
  options: CreateSessionOptions,
): Promise<RecordMeta | undefined> {
  if (options.userId !== undefined) assertRecordId(options.userId, 'userId')
  if (options.deviceId !== undefined) assertRecordId(options.deviceId, 'deviceId')
  if (options.id !== undefined) assertSessionId(options.id)
  const id = options.id ?? createSessionId()
  const now = core.clock.now()
  const absoluteEnd = now + core.options.absoluteMs
  const data: SessionData = {
    ...(options.userId === undefined ? {} : { u: options.userId }),
    ...(options.deviceId === undefined ? {} : { d: options.deviceId }),
    a: absoluteEnd,
  }
  const expiresAt = Math.min(now + core.options.idleMs, absoluteEnd)
  if (!(await core.store.create(id, { expiresAt, data, tombstoneUntil: absoluteEnd }))) return undefined
  if (options.userId !== undefined) await attachToUser(core, options.userId, id, options.deviceId, now)
  core.counters.created++
  core.events.emit('created', { sessionId: id, userId: options.userId })
  return { id, createdAt: now, expiresAt, data }
}

/** The error of `kit.create` with an id that is taken or was issued before. */
export function idTaken(): SessionKitError {
  return new SessionKitError(
    'CONFLICT',
    'this session id is held by a live session or was issued before (ids are never issued twice); omit id to get a fresh one',
  )
}
