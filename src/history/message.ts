import type { MessageInput } from '../message/model.js'

// History's files read the shared model through here (src/message/ is its home).
export { contentText, type HistoryRole, type MessageInput, type ToolCall } from '../message/model.js'

/**
 * A stored message: the input plus what the store assigned.
 *
 * @example
 * const { seq, id, createdAt, role, content } = (await session.history.list()).messages[0]
 */
export interface HistoryMessage extends MessageInput {
  /** Position in the session's log: 1, 2, 3 ... never reused, not even after `clear()`. */
  readonly seq: number
  /** Random unique id (UUID), given before the write. */
  readonly id: string
  /** Epoch ms of the append, from the kit's clock. */
  readonly createdAt: number
}
