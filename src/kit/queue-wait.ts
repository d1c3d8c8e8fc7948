import type { SessionStore } from '../store/contract.js'

/** The queue bound when neither the options nor the store give one: the Redis store's default timeout. */
const DEFAULT_QUEUE_WAIT_MS = 2000

/** How long an update waits behind others of its session part: as configured, else the store's own timeout. */
export function queueWaitMs(configured: number | undefined, store: SessionStore): number {
  return configured ?? store.capabilities.commandTimeoutMs ?? DEFAULT_QUEUE_WAIT_MS
}
