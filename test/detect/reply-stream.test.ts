import { describe, expect, it } from 'vitest'
import { createDetector, createReplyAssembler } from '../../src/detect/index.js'

const sse = (events: unknown[], done = true) =>
  `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}${done ? 'data: [DONE]\n\n' : ''}`

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta, finish_reason: finish }],
})

// Feeds `text` cut into pieces of every size from 1 to 7 bytes (lines and characters split anywhere).
function feedCut(text: string, size: number) {
  const replies = createReplyAssembler()
  const bytes = Buffer.from(text)
  for (let i = 0; i < bytes.length; i += size) replies.feed(bytes.subarray(i, i + size))
  return replies
}

describe('createReplyAssembler', () => {
  it('rebuilds an OpenAI answer with parallel tool calls, however the bytes are cut', () => {
    const stream = sse([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Checking prices in Z\u00fcrich \u{1F50D}' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'price', arguments: '{"sku":' } },
        ],
      }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'stock', arguments: '{"sku":"B"}' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"A"}' } }] }),
      chunk({}, 'tool_calls'),
    ])
    for (let size = 1; size <= 7; size++) {
      expect(feedCut(stream, size).reply()).toEqual({
        role: 'assistant',
        content: 'Checking prices in Z\u00fcrich \u{1F50D}',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'price', arguments: '{"sku":"A"}' } },
          { id: 'call_b', type: 'function', function: { name: 'stock', arguments: '{"sku":"B"}' } },
        ],
      })
    }
  })

  it('rebuilds an Anthropic message: text, thinking with its signature, tool_use input', () => {
    const replies = createReplyAssembler()
    for (const event of [
      { type: 'message_start', message: { id: 'm1', role: 'assistant', content: [] } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Need stock.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig==' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Let me check.' } },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'tu1', name: 'stock', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"sku": ' },
      },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '"A"}' } },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' } },
    ])
      replies.push(event)
    expect(replies.reply()).toBeUndefined()
    replies.push({ type: 'message_stop' })
    expect(replies.reply()).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Need stock.', signature: 'sig==' },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'tu1', name: 'stock', input: { sku: 'A' } },
      ],
    })
  })

  it('gives nothing for an aborted, failed or oversized stream', () => {
    const aborted = feedCut(sse([chunk({ content: 'Half an ans' })], false), 3)
    expect([aborted.reply(), aborted.problem]).toEqual([undefined, 'incomplete'])
    const failed = createReplyAssembler()
    failed.push({ type: 'message_start', message: {} })
    failed.push({ type: 'error', error: { type: 'overloaded_error' } })
    failed.push({ type: 'message_stop' })
    expect([failed.reply(), failed.problem]).toEqual([undefined, 'error'])
    const big = createReplyAssembler({ maxChars: 10 })
    big.feed(sse([chunk({ content: 'far more than ten characters' }, 'stop')]))
    expect([big.reply(), big.problem]).toEqual([undefined, 'too large'])
    // A line that never ends is bounded too.
    const endless = createReplyAssembler({ maxChars: 10 })
    endless.feed(`data: ${'x'.repeat(100)}`)
    expect(endless.problem).toBe('too large')
    expect(() => createReplyAssembler({ maxChars: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    )
  })

  it('binds a streamed answer so that the client echoing it continues the session', () => {
    const detector = createDetector()
    const first = [{ role: 'user', content: 'Two tickets to Porto' }]
    const d = detector.detect({ messages: first })
    const replies = feedCut(
      sse([chunk({ role: 'assistant', content: 'Which ' }), chunk({ content: 'date?' }, 'stop')]),
      5,
    )
    expect(detector.bindReply(d, replies.reply()!)).toBe(true)
    // The client echoes the message as its SDK accumulated it.
    const echoed = { role: 'assistant', content: 'Which date?', refusal: null }
    const next = detector.detect({ messages: [...first, echoed, { role: 'user', content: 'Friday' }] })
    expect(next).toMatchObject({ kind: 'continued', sessionId: d.sessionId, newMessages: 1 })
  })
})
