import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkToolPairs,
  fromOpenAIMessages,
  type MessageInput,
  toAnthropicMessages,
  toOpenAIMessages,
} from '../../src/index.js'
import { history } from '../history/arbitraries.js'
import { expectAnthropicPayload, expectOpenAIMessages } from './provider-shapes.js'

const conversation: MessageInput[] = [
  { role: 'system', content: 'You are a property sales assistant.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Is this flat in Whitefield?' },
      { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
      { type: 'image', url: 'https://img.test/flat.jpg' },
    ],
  },
  {
    role: 'assistant',
    content: 'Let me look it up.',
    toolCalls: [
      { id: 'call_1', name: 'find_listing', arguments: { area: 'Whitefield', bhk: 2 } },
      { id: 'call.2', name: 'price_history', arguments: {} },
    ],
  },
  { role: 'tool', toolCallId: 'call_1', content: '{"found":true}' },
  { role: 'tool', toolCallId: 'call.2', content: '' },
  { role: 'user', content: 'And the price?' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_3', name: 'quote', arguments: { id: 7 } }] },
  { role: 'tool', toolCallId: 'call_3', content: '95 lakh' },
  { role: 'assistant', content: 'It is 95 lakh.', metadata: { model: 'm1' } },
]

describe('toOpenAIMessages', () => {
  it('writes the chat completions shape', () => {
    const out = toOpenAIMessages(conversation)
    expectOpenAIMessages(out)
    expect(out[1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Is this flat in Whitefield?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://img.test/flat.jpg' } },
      ],
    })
    expect(out[2]).toEqual({
      role: 'assistant',
      content: 'Let me look it up.',
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'find_listing', arguments: '{"area":"Whitefield","bhk":2}' },
        },
        { id: 'call.2', type: 'function', function: { name: 'price_history', arguments: '{}' } },
      ],
    })
    expect(out[6]).toMatchObject({ role: 'assistant', content: null })
    expect(out[7]).toEqual({ role: 'tool', tool_call_id: 'call_3', content: '95 lakh' })
    expect(out[8]).toEqual({ role: 'assistant', content: 'It is 95 lakh.' })
  })

  it('round-trips through fromOpenAIMessages', () => {
    const withoutMetadata = conversation.map(({ metadata: _m, ...rest }) => rest)
    expect(fromOpenAIMessages(toOpenAIMessages(conversation))).toEqual(withoutMetadata)
  })
})

describe('fromOpenAIMessages', () => {
  it('maps developer to system, parses arguments and keeps refusals as text', () => {
    const out = fromOpenAIMessages([
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }], name: 'asha' },
      { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '' } }],
      },
      { role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: 'done' }] },
    ])
    expect(out).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
      { role: 'assistant', content: 'I cannot help with that.' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: {} }] },
      { role: 'tool', toolCallId: 'c', content: [{ type: 'text', text: 'done' }] },
    ])
  })

  it('refuses what it cannot represent, naming the message', () => {
    const bad: [unknown, RegExp][] = [
      [{}, /expects an array/],
      [[{ role: 'function', name: 'f', content: 'x' }], /legacy function-calling/],
      [
        [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }],
        /messages\[0\]\.content\[0\]/,
      ],
      [
        [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
        /not valid JSON/,
      ],
      [
        [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }],
          },
        ],
        /JSON object/,
      ],
      [[{ role: 'tool', content: 'x' }], /toolCallId/],
    ]
    for (const [input, re] of bad) {
      expect(() => fromOpenAIMessages(input)).toThrow(re)
    }
  })
})

describe('toAnthropicMessages', () => {
  it('writes the Messages API shape', () => {
    const out = toAnthropicMessages(conversation)
    expectAnthropicPayload(out)
    expect(out.system).toBe('You are a property sales assistant.')
    expect(out.messages[0]!.content[1]).toEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
    })
    expect(out.messages[0]!.content[2]).toEqual({
      type: 'image',
      source: { type: 'url', url: 'https://img.test/flat.jpg' },
    })
    expect(out.messages[1]!.content).toEqual([
      { type: 'text', text: 'Let me look it up.' },
      { type: 'tool_use', id: 'call_1', name: 'find_listing', input: { area: 'Whitefield', bhk: 2 } },
      { type: 'tool_use', id: 'call_2', name: 'price_history', input: {} },
    ])
    expect(out.messages[2]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_1', content: '{"found":true}' },
      { type: 'tool_result', tool_use_id: 'call_2' },
      { type: 'text', text: 'And the price?' },
    ])
    expect(out.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ])
    expect(out.messages[5]!.content).toEqual([{ type: 'text', text: 'It is 95 lakh.' }])
  })

  it('merges consecutive turns, puts tool results first, and starts with a user turn', () => {
    const out = toAnthropicMessages([
      { role: 'assistant', content: 'Welcome back!' },
      { role: 'assistant', content: 'Anything new?', toolCalls: [{ id: 't', name: 'f', arguments: {} }] },
      { role: 'user', content: 'yes' },
      { role: 'tool', toolCallId: 't', content: 'ok' },
      { role: 'system', content: 'Late rule.' },
      { role: 'user', content: 'more' },
    ])
    expectAnthropicPayload(out)
    expect(out.system).toBe('Late rule.')
    expect(out.messages[0]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: '(conversation continues)' }],
    })
    expect(out.messages[2]!.content.map((b) => b.type)).toEqual(['tool_result', 'text', 'text'])
    expect(
      toAnthropicMessages([{ role: 'assistant', content: 'hi' }], { placeholder: '…' }).messages[0],
    ).toEqual({
      role: 'user',
      content: [{ type: 'text', text: '…' }],
    })
  })

  it('produces valid payloads for any random history once tool pairs are repaired', () => {
    fc.assert(
      fc.property(history(30), fc.constantFrom('drop' as const, 'placeholder' as const), (log, repair) => {
        const { messages } = checkToolPairs(log, { repair })
        const anthropic = toAnthropicMessages(messages)
        if (anthropic.messages.length > 0) expectAnthropicPayload(anthropic)
        expectOpenAIMessages(toOpenAIMessages(messages))
      }),
      { numRuns: 200 },
    )
  })
})
