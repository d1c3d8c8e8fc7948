import { invalidArgument } from '../errors.js'
import { isWellFormed } from '../util/well-formed.js'
import type { ChatMessage, DetectRequest } from './types.js'

const systemRoles = new Set(['system', 'developer'])

/**
 * Checks the shape of a request at the edge (cheap type checks, no copying): a non-empty
 * `messages` array of objects with a string `role`, an optional string `tenant`.
 */
export function checkRequest(request: DetectRequest): void {
  if (typeof request !== 'object' || request === null) {
    throw invalidArgument('detect() takes { messages, system?, tenant?, explicitId? }')
  }
  const { messages, tenant } = request
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidArgument('detect(): messages must be a non-empty array of chat messages')
  }
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as ChatMessage | null
    if (typeof m !== 'object' || m === null || typeof m.role !== 'string') {
      throw invalidArgument(`detect(): messages[${i}] must be an object with a string role`)
    }
  }
  if (tenant !== undefined && typeof tenant !== 'string') {
    throw invalidArgument(`detect(): tenant must be a string; got ${typeof tenant}`)
  }
  // Tenants are hashed as UTF-8, where a lone surrogate reads as U+FFFD: two would be one tenant.
  if (tenant !== undefined && !isWellFormed(tenant)) {
    throw invalidArgument('detect(): tenant must hold no lone surrogate (unpaired UTF-16 half)')
  }
}

/** Checks a reply passed to `bindReply` (an assistant message). */
export function checkReply(reply: ChatMessage): void {
  if (typeof reply !== 'object' || reply === null || typeof reply.role !== 'string') {
    throw invalidArgument(
      'bindReply(): reply must be a message object with a string role (the assistant message)',
    )
  }
}

/**
 * How many leading messages form the system prompt: the run of `system`/`developer` messages at
 * the start. When every message is one, none is: they are the conversation.
 */
export function systemPrefixLength(messages: readonly ChatMessage[]): number {
  let end = 0
  while (end < messages.length && systemRoles.has(messages[end]!.role)) end++
  return end === messages.length ? 0 : end
}
