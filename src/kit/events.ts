import type { RemovalReason } from '../store/contract.js'
import { errorText, type WarningHandler, warn } from '../warnings.js'

/** Payload of every kit event. */
export interface SessionEvent {
  readonly sessionId: string
  readonly userId: string | undefined
  /** For `expired`/`evicted`/`ended`: why the session left. */
  readonly reason?: RemovalReason | 'ended'
  /** For `evicted`: the limit that pushed it out (`maxSessions`, `maxBytes`, `user.maxSessions`). */
  readonly limit?: string
  /** For `rotated`: the id the session had before (now ended; `sessionId` is the new one). */
  readonly previousSessionId?: string
}

/** The events a kit emits. */
export interface KitEvents {
  created: SessionEvent
  ended: SessionEvent
  /** Only from stores whose `capabilities.expiryEvents` is true (the memory store). */
  expired: SessionEvent
  /** Only from stores whose `capabilities.expiryEvents` is true (the memory store), and user limits. */
  evicted: SessionEvent
  /** A session moved to a new id (`kit.link` at login, `regenerate`); the old id is ended. */
  rotated: SessionEvent
}

export type KitEventName = keyof KitEvents

/** A tiny typed emitter; a listener that throws is reported as a warning and never breaks the kit. */
export interface Emitter {
  on<E extends KitEventName>(event: E, listener: (payload: KitEvents[E]) => void): () => void
  emit<E extends KitEventName>(event: E, payload: KitEvents[E]): void
}

/** The kit's emitter; a listener that throws becomes a `SESSIONKIT_LISTENER_FAILED` warning to `onWarning`. */
export function createEmitter(onWarning?: WarningHandler): Emitter {
  const listeners: { [E in KitEventName]: Set<(payload: KitEvents[E]) => void> } = {
    created: new Set(),
    ended: new Set(),
    expired: new Set(),
    evicted: new Set(),
    rotated: new Set(),
  }
  return {
    on(event, listener) {
      const set = listeners[event] as Set<typeof listener>
      set.add(listener)
      return () => {
        set.delete(listener)
      }
    },
    emit(event, payload) {
      for (const listener of listeners[event] as Set<(p: typeof payload) => void>) {
        try {
          listener(payload)
        } catch (error) {
          warn(
            onWarning,
            'SESSIONKIT_LISTENER_FAILED',
            `a sessionkit '${event}' listener threw: ${errorText(error)}`,
            error,
          )
        }
      }
    },
  }
}
