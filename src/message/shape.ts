import { invalidArgument } from '../errors.js'
import type { MessageInput } from './model.js'

// The public helpers over messages (converters, token counts, stats, context selection) take
// arrays a caller may have built by hand. They check the outline first, so wrong input is an
// INVALID_ARGUMENT naming the helper, never a TypeError from deep inside; `validateMessage`
// remains the full check of what is stored.

/**
 * Checks that `messages` is an array of objects each with a string `role` and a string or array
 * `content`.
 *
 * @example
 * assertMessageList(messages, 'toOpenAIMessages')
 */
export function assertMessageList(
  messages: unknown,
  what: string,
): asserts messages is readonly MessageInput[] {
  if (!Array.isArray(messages))
    throw invalidArgument(`${what} takes an array of messages; got ${describe(messages)}`)
  for (let i = 0; i < messages.length; i++) assertMessageLike(messages[i], `${what}: message ${i + 1}`)
}

/** Checks one message's outline (see {@link assertMessageList}). */
export function assertMessageLike(message: unknown, what: string): asserts message is MessageInput {
  if (typeof message !== 'object' || message === null) {
    throw invalidArgument(
      `${what} must be a message object such as { role: 'user', content: 'hi' }; got ${describe(message)}`,
    )
  }
  const { role, content } = message as { role?: unknown; content?: unknown }
  if (typeof role !== 'string') throw invalidArgument(`${what} has no role`)
  if (typeof content !== 'string' && !Array.isArray(content)) {
    throw invalidArgument(`${what} needs content: a string or an array of parts`)
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : typeof value
}
