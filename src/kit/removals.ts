import type { RemovalEvent } from '../store/contract.js'
import { errorText } from '../warnings.js'
import { type KitCore, type SessionData, USER_RECORD_PREFIX } from './core.js'
import { detachFromUser } from './users.js'

/**
 * A store removal (expiry, eviction) as the kit's event: counted, emitted, and the session taken
 * off its user's list (a failure there is a `SESSIONKIT_USER_UNLIST_FAILED` warning).
 */
export function onRemoval(core: KitCore, event: RemovalEvent): void {
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
      core.onWarning({
        code: 'SESSIONKIT_USER_UNLIST_FAILED',
        message: `sessionkit could not unlist an expired session from its user: ${errorText(error)}`,
        cause: error,
      })
    })
  }
}
