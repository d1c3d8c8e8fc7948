import { invalidArgument } from '../errors.js'
import { estimateTokens } from './estimate.js'
import { contentText, type MessageInput, partCount } from './model.js'
import { argumentsText } from './tool-arguments.js'

/**
 * Counts the tokens of a text. Bring the tokenizer of your model for exact budgets; the default
 * is {@link estimateTokens}, which needs no download.
 *
 * @example
 * const tokenizer: Tokenizer = (text) => encoder.encode(text).length
 */
export type Tokenizer = (text: string) => number

export { estimateTokens }

/** Tokens added per message for the role and framing (what chat formats spend around each message). */
export const MESSAGE_OVERHEAD_TOKENS = 4
/** Tokens counted per image part: a middle estimate, since providers charge by image size. */
export const IMAGE_TOKENS = 1_000
/** Tokens counted per PDF part: a few pages' worth, since providers charge by page. */
export const FILE_TOKENS = 3_000

/**
 * Tokens of one message under `tokenizer`: the framing overhead, the visible text, reasoning text
 * (a model reads it back in a tool loop), opaque reasoning data at a quarter token per character,
 * each tool call's name and exact JSON arguments text, and fixed costs per image and PDF.
 * History caches the counts per message.
 *
 * @example
 * countMessageTokens({ role: 'user', content: 'hello' }) // 4 + 2
 */
export function countMessageTokens(message: MessageInput, tokenizer: Tokenizer = estimateTokens): number {
  if (typeof tokenizer !== 'function')
    throw invalidArgument('countMessageTokens: tokenizer must be a function (text) => number')
  let tokens =
    MESSAGE_OVERHEAD_TOKENS +
    tokenizer(contentText(message)) +
    IMAGE_TOKENS * partCount(message, 'image') +
    FILE_TOKENS * partCount(message, 'file')
  if (typeof message.content !== 'string') {
    for (const part of message.content) {
      if (part.type !== 'reasoning') continue
      tokens += tokenizer(part.text)
      tokens += Math.ceil(((part.redactedData ?? '').length + (part.encryptedContent ?? '').length) / 4)
    }
  }
  if (message.toolCalls !== undefined) {
    for (const call of message.toolCalls) {
      tokens += MESSAGE_OVERHEAD_TOKENS + tokenizer(call.name) + tokenizer(argumentsText(call))
    }
  }
  if (message.role === 'tool' && message.toolCallId !== undefined) tokens += tokenizer(message.toolCallId)
  return tokens
}
