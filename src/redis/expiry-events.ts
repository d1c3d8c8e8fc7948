import type { RemovalEvent } from '../store/contract.js'
import { deliver } from '../store/deliver.js'
import { errorText, type WarningHandler, warn } from '../warnings.js'
import type { RedisClientLike } from './client.js'

/** `subscribe` and its teardown for a Redis store with `expiryEvents: true`. */
export interface ExpiryEvents {
  subscribe(listener: (event: RemovalEvent) => void): () => void
  close(): Promise<void>
}

const noData: Readonly<Record<string, never>> = Object.freeze({})

/**
 * `expired` events from Redis keyspace notifications: when Redis drops a record's header key (its
 * logical end plus `expiryGraceMs` and the TTL step, so late by at least the grace), each listener
 * hears `{ id, reason: 'expired', data: {} }` (the header is gone: no facts). At most once: an
 * expiry while a subscriber is disconnected is never reported, and only where the server has
 * notifications on (`notify-keyspace-events` with `E` and `x`). Listening starts with the first
 * listener (one connection per master) and stops with the last. A listener that throws, or a
 * subscription that fails, is a warning to `onWarning` (`SESSIONKIT_LISTENER_FAILED`,
 * `SESSIONKIT_EXPIRY_EVENTS_FAILED`).
 *
 * @example
 * const events = createExpiryEvents(client, 'sk', undefined); const stop = events.subscribe((e) => log(e.id))
 */
export function createExpiryEvents(
  client: RedisClientLike,
  prefix: string,
  onWarning: WarningHandler | undefined,
): ExpiryEvents {
  const listeners = new Set<(event: RemovalEvent) => void>()
  const open = `{${prefix}:`
  let stop: Promise<(() => Promise<void>) | undefined> | undefined

  const onKey = (key: string) => {
    // Only a header key: `{<prefix>:<id>}`, never a part, a tombstone (`~`) or a counter.
    if (!key.startsWith(open) || !key.endsWith('}') || key[open.length] === '~') return
    const id = key.slice(open.length, -1)
    if (id.length === 0 || id.includes('}')) return
    const event: RemovalEvent = Object.freeze({ id, reason: 'expired', data: noData })
    for (const listener of listeners) deliver(listener, event, onWarning)
  }
  const halt = async () => {
    const started = stop
    stop = undefined
    const end = await started
    await end?.()
  }
  return {
    subscribe(listener) {
      listeners.add(listener)
      stop ??= (client.subscribeExpired as NonNullable<RedisClientLike['subscribeExpired']>)(onKey).catch(
        (error: unknown) => {
          // subscribe() cannot reject: the failure is reported, and the next subscribe tries again.
          stop = undefined
          warn(
            onWarning,
            'SESSIONKIT_EXPIRY_EVENTS_FAILED',
            `sessionkit could not listen for Redis expiry events: ${errorText(error)}`,
            error,
          )
          return undefined
        },
      )
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) void halt()
      }
    },
    close: halt,
  }
}
