import { errorText, type WarningHandler, warn } from '../warnings.js'
import type { RemovalEvent } from './contract.js'

/**
 * Calls one removal listener (`onRemove`, `subscribe`) with `event`. A listener that throws must
 * not keep the others from the event, nor break the store's work: its error is a
 * `SESSIONKIT_LISTENER_FAILED` warning to `onWarning` (default `process.emitWarning`).
 *
 * @example
 * for (const listener of listeners) deliver(listener, { id, reason: 'expired', data: {} }, onWarning)
 */
export function deliver(
  listener: (event: RemovalEvent) => void,
  event: RemovalEvent,
  onWarning: WarningHandler | undefined,
): void {
  try {
    listener(event)
  } catch (error) {
    warn(
      onWarning,
      'SESSIONKIT_LISTENER_FAILED',
      `a sessionkit store removal listener threw: ${errorText(error)}`,
      error,
    )
  }
}
