import { z } from 'zod'
import { invalidArgument } from '../errors.js'
import { parseOptions } from '../options.js'
import { SseParser } from './sse.js'
import type { ChatMessage } from './types.js'

/**
 * Rebuilds the assistant message of a streamed answer as the events pass, so `bindReply()` works
 * on streams: OpenAI chat-completion chunks (content, refusal, tool-call deltas by index) and
 * Anthropic message events (text, tool_use with `input_json_delta`, thinking with its signature).
 * `reply()` gives the message only once the stream has ended properly (`finish_reason`, or
 * `message_stop`): an aborted or failed stream binds nothing.
 *
 * @example
 * const replies = createReplyAssembler()
 * for await (const chunk of upstream.body) { res.write(chunk); replies.feed(chunk) }
 * const reply = replies.reply(); if (reply) await detector.bindReply(detection, reply)
 */
export interface ReplyAssembler {
  /** Feeds raw Server-Sent Events bytes or text as they arrive (`data: [DONE]` included). */
  feed(chunk: string | Uint8Array): void
  /** Feeds one event already parsed from its JSON `data`. */
  push(event: unknown): void
  /** The assistant message, once the stream has ended properly; `undefined` before or otherwise. */
  reply(): ChatMessage | undefined
  /** Why there is no reply (`'incomplete'`, `'error'`, `'too large'`), or `undefined` when there is one. */
  readonly problem: 'incomplete' | 'error' | 'too large' | undefined
}

/** Options of {@link createReplyAssembler}. */
export interface ReplyAssemblerOptions {
  /** Most characters of text, arguments and buffered event data kept; past it there is no reply. Default 4,194,304. */
  readonly maxChars?: number
}

interface ToolCall {
  id?: string
  type?: string
  name: string
  arguments: string
}

interface Block {
  type: string
  text: string
  json: string
  fields: Record<string, unknown>
}

const schema = z.strictObject({ maxChars: z.number().int().min(1).max(536_870_912).default(4_194_304) })

/**
 * Makes a {@link ReplyAssembler} for one streamed answer.
 *
 * @example
 * const replies = createReplyAssembler({ maxChars: 1 << 20 })
 */
export function createReplyAssembler(options: ReplyAssemblerOptions = {}): ReplyAssembler {
  const { maxChars } = parseOptions(schema, options, { what: 'createReplyAssembler', code: 'INVALID_CONFIG' })
  const sse = new SseParser()
  let chars = 0
  let problem: ReplyAssembler['problem'] = 'incomplete'
  let done = false
  // OpenAI: choice 0 only (a gateway binds the answer the client continues with).
  let content: string | undefined
  let refusal: string | undefined
  const calls: ToolCall[] = []
  // Anthropic: content blocks by index.
  const blocks: Block[] = []

  const grow = (text: string): boolean => {
    chars += text.length
    if (chars > maxChars) problem = 'too large'
    return problem !== 'too large'
  }

  function pushOpenAI(chunk: { choices?: unknown }): void {
    if (!Array.isArray(chunk.choices)) return
    for (const choice of chunk.choices as {
      index?: number
      delta?: Record<string, unknown>
      finish_reason?: unknown
    }[]) {
      if ((choice?.index ?? 0) !== 0) continue
      const delta = choice.delta ?? {}
      if (typeof delta.content === 'string' && grow(delta.content)) content = (content ?? '') + delta.content
      if (typeof delta.refusal === 'string' && grow(delta.refusal)) refusal = (refusal ?? '') + delta.refusal
      if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) addCall(call)
      if (typeof choice.finish_reason === 'string') done = true
    }
  }

  function addCall(delta: {
    index?: number
    id?: string
    type?: string
    function?: { name?: string; arguments?: string }
  }): void {
    const i = delta?.index ?? 0
    if (!Number.isInteger(i) || i < 0 || i > 255) return
    calls[i] ??= { name: '', arguments: '' }
    const call = calls[i]
    if (typeof delta.id === 'string') call.id = delta.id
    if (typeof delta.type === 'string') call.type = delta.type
    const name = delta.function?.name
    const args = delta.function?.arguments
    if (typeof name === 'string' && grow(name)) call.name += name
    if (typeof args === 'string' && grow(args)) call.arguments += args
  }

  function pushAnthropic(event: {
    type: string
    index?: number
    content_block?: Record<string, unknown>
    delta?: Record<string, unknown>
  }): void {
    const i = event.index ?? 0
    switch (event.type) {
      case 'content_block_start': {
        // The block's text, thinking and input come as deltas; its other fields (id, name, signature) as they are.
        const { type, text, thinking, input: _input, ...fields } = event.content_block ?? {}
        if (!Number.isInteger(i) || i < 0 || i > 255) return
        const start = typeof text === 'string' ? text : typeof thinking === 'string' ? thinking : ''
        blocks[i] = { type: String(type), text: start, json: '', fields }
        return
      }
      case 'content_block_delta': {
        const block = blocks[i]
        const d = event.delta ?? {}
        if (block === undefined) return
        for (const [key, into] of [
          ['text', 'text'],
          ['thinking', 'text'],
          ['partial_json', 'json'],
        ] as const) {
          const piece = d[key]
          if (typeof piece === 'string' && grow(piece)) block[into] += piece
        }
        if (typeof d.signature === 'string' && grow(d.signature)) {
          block.fields.signature = `${typeof block.fields.signature === 'string' ? block.fields.signature : ''}${d.signature}`
        }
        return
      }
      case 'message_stop':
        done = true
        return
      case 'error':
        problem = 'error'
        return
    }
  }

  function anthropicContent(): unknown[] {
    return blocks
      .filter((b) => b !== undefined)
      .map((b) => {
        if (b.type === 'text') return { type: 'text', text: b.text, ...b.fields }
        if (b.type === 'thinking') return { type: 'thinking', thinking: b.text, ...b.fields }
        if (b.type === 'tool_use' || b.type === 'server_tool_use')
          return { type: b.type, ...b.fields, input: parseInput(b.json) }
        return { type: b.type, ...b.fields }
      })
  }

  let anthropic = false
  const push = (event: unknown): void => {
    if (typeof event !== 'object' || event === null || problem === 'error' || problem === 'too large') return
    const e = event as { type?: unknown; object?: unknown }
    if (typeof e.type === 'string' && e.object === undefined) {
      anthropic = true
      pushAnthropic(e as Parameters<typeof pushAnthropic>[0])
    } else if ((e as { error?: unknown }).error !== undefined) problem = 'error'
    else pushOpenAI(e as { choices?: unknown })
  }

  return {
    push,
    feed(chunk) {
      if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
        throw invalidArgument('feed takes the stream chunk as it arrives: a string or a Uint8Array (Buffer)')
      }
      if (problem === 'too large' || problem === 'error') return
      for (const data of sse.feed(chunk)) {
        if (data === '[DONE]') continue
        try {
          push(JSON.parse(data))
        } catch {
          problem = 'error'
        }
      }
      if (sse.size > maxChars) problem = 'too large'
    },
    reply() {
      if (!done || problem === 'error' || problem === 'too large') return undefined
      if (anthropic) return { role: 'assistant', content: anthropicContent() }
      const message: Record<string, unknown> = { role: 'assistant', content: content ?? null }
      if (refusal !== undefined) message.refusal = refusal
      const toolCalls = calls
        .filter((c) => c !== undefined)
        .map((c) => ({
          id: c.id,
          type: c.type ?? 'function',
          function: { name: c.name, arguments: c.arguments },
        }))
      if (toolCalls.length > 0) message.tool_calls = toolCalls
      return message as ChatMessage
    },
    get problem() {
      if (problem === 'error' || problem === 'too large') return problem
      return done ? undefined : 'incomplete'
    },
  }
}

// A tool_use block's input from its streamed JSON ({} when none came).
function parseInput(json: string): unknown {
  if (json.trim() === '') return {}
  try {
    return JSON.parse(json)
  } catch {
    return json
  }
}
