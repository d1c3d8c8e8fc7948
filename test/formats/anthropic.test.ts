import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIdMap } from '../../src/formats/tool-ids.js'
import {
  checkToolPairs,
  type FormatNote,
  fromAnthropicMessages,
  type MessageInput,
  toAnthropicMessages,
} from '../../src/index.js'
import { history } from '../history/arbitraries.js'
import { expectAnthropicPayload } from './provider-shapes.js'

const hasRawJson = typeof (JSON as { rawJSON?: unknown }).rawJSON === 'function'

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
  { role: 'tool', toolCallId: 'call_3', content: '95 lakh', isError: false },
  { role: 'assistant', content: 'It is 95 lakh.' },
]

describe('toAnthropicMessages', () => {
  it('writes the Messages API shape', () => {
    const out = toAnthropicMessages(conversation)
    expectAnthropicPayload(out)
    expect(out.system).toBe('You are a property sales assistant.')
    const [first, second, third] = out.messages
    expect(first!.content).toEqual([
      { type: 'text', text: 'Is this flat in Whitefield?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://img.test/flat.jpg' } },
    ])
    const safe = (second!.content as { type: string; id?: string }[])[2]!.id!
    expect(safe).toMatch(/^call_2_[A-Za-z0-9]{12}$/)
    expect(second!.content).toEqual([
      { type: 'text', text: 'Let me look it up.' },
      { type: 'tool_use', id: 'call_1', name: 'find_listing', input: { area: 'Whitefield', bhk: 2 } },
      { type: 'tool_use', id: safe, name: 'price_history', input: {} },
    ])
    expect(third!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_1', content: '{"found":true}' },
      { type: 'tool_result', tool_use_id: safe },
      { type: 'text', text: 'And the price?' },
    ])
    expect(out.messages[4]!.content).toEqual([
      { type: 'tool_result', tool_use_id: 'call_3', content: '95 lakh', is_error: false },
    ])
    expect(out.messages[5]).toEqual({ role: 'assistant', content: 'It is 95 lakh.' })
  })

  it('maps ids collision-free: call.1 and call_1 stay two ids, the same in the call and its result', () => {
    const notes: FormatNote[] = []
    const out = toAnthropicMessages(
      [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call.1', name: 'a', arguments: {} },
            { id: 'call_1', name: 'b', arguments: {} },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'B' },
        { role: 'tool', toolCallId: 'call.1', content: 'A' },
      ],
      { onNote: (n) => notes.push(n) },
    )
    expectAnthropicPayload(out)
    const uses = out.messages[1]!.content as { id: string; name: string }[]
    const results = out.messages[2]!.content as { tool_use_id: string; content: string }[]
    expect(new Set(uses.map((u) => u.id)).size).toBe(2)
    expect(uses[1]!.id).toBe('call_1')
    expect(results.find((r) => r.content === 'A')!.tool_use_id).toBe(uses[0]!.id)
    expect(results.find((r) => r.content === 'B')!.tool_use_id).toBe('call_1')
    expect(notes).toEqual([expect.objectContaining({ kind: 'id-renamed', index: 1 })])
  })

  it('keeps ids unique even when a client sends the hashed forms of another id on purpose', () => {
    const digest = createHash('sha256')
      .update('x.y')
      .digest('base64url')
      .replaceAll(/[^A-Za-z0-9]/g, 'x')
    const attack = [
      ...Array.from({ length: 21 }, (_, i) => `x_y_${digest.slice(0, 12 + i)}`),
      ...Array.from({ length: 5 }, (_, i) => `x_y_${digest.slice(0, 32)}_${33 + i}`),
    ]
    const ids = createIdMap(['x.y', ...attack])
    expect(new Set(ids.values()).size).toBe(attack.length + 1)
    for (const id of attack) expect(ids.get(id)).toBe(id)
    expect(ids.get('x.y')).toBe(`x_y_${digest.slice(0, 32)}_38`)
    expect(createIdMap(['x.y']).get('x.y')).toBe(`x_y_${digest.slice(0, 12)}`)
  })

  it('replays Anthropic thinking unchanged and leaves other reasoning out with a note', () => {
    const notes: FormatNote[] = []
    const out = toAnthropicMessages(
      [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'I should call the tool.', signature: 'EqQBCgIYAhIM1gbcDa9G' },
            { type: 'reasoning', text: '', redactedData: 'EmwKAhgBEgy3va3pzix' },
            { type: 'reasoning', text: 'summary', itemId: 'rs_1', encryptedContent: 'gAAAA' },
            { type: 'reasoning', text: 'plain' },
          ],
          toolCalls: [{ id: 'toolu_01', name: 'weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', toolCallId: 'toolu_01', content: '18°C' },
      ],
      { onNote: (n) => notes.push(n) },
    )
    expectAnthropicPayload(out)
    expect(out.messages[1]!.content).toEqual([
      { type: 'thinking', thinking: 'I should call the tool.', signature: 'EqQBCgIYAhIM1gbcDa9G' },
      { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' },
      { type: 'tool_use', id: 'toolu_01', name: 'weather', input: { city: 'Paris' } },
    ])
    expect(notes.map((n) => n.kind)).toEqual(['reasoning-dropped', 'reasoning-dropped'])
  })

  it('sends integers beyond 2^53 exactly where the runtime can, and says so where it cannot', () => {
    const notes: FormatNote[] = []
    const out = toAnthropicMessages(
      [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 't', name: 'f', arguments: '{"b":2,"id":12345678901234567890}' }],
        },
      ],
      { onNote: (n) => notes.push(n) },
    )
    const input = (out.messages[1]!.content as { input: unknown }[])[0]!.input
    if (hasRawJson) {
      expect(JSON.stringify(input)).toBe('{"b":2,"id":12345678901234567890}')
      expect(notes).toEqual([])
    } else {
      expect(notes).toEqual([expect.objectContaining({ kind: 'number-rounded', index: 0 })])
    }
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
    expect(out.messages[0]).toEqual({ role: 'user', content: '(conversation continues)' })
    expect((out.messages[2]!.content as { type: string }[]).map((b) => b.type)).toEqual([
      'tool_result',
      'text',
      'text',
    ])
    expect(
      toAnthropicMessages([{ role: 'assistant', content: 'hi' }], { placeholder: '…' }).messages[0],
    ).toEqual({
      role: 'user',
      content: '…',
    })
  })

  it('produces valid payloads for any random history once tool pairs are repaired', () => {
    fc.assert(
      fc.property(history(30), fc.constantFrom('drop' as const, 'placeholder' as const), (log, repair) => {
        const anthropic = toAnthropicMessages(checkToolPairs(log, { repair }).messages)
        if (anthropic.messages.length > 0) expectAnthropicPayload(anthropic)
      }),
      { numRuns: 200 },
    )
  })
})

describe('fromAnthropicMessages', () => {
  it('splits tool results into tool messages and keeps thinking with its signature', () => {
    expect(
      fromAnthropicMessages({
        system: [{ type: 'text', text: 'Be brief.' }],
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Call the tool.', signature: 'sig' },
              { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: 'rain', is_error: true },
              { type: 'text', text: 'And tomorrow?' },
            ],
          },
        ],
      }),
    ).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: [{ type: 'reasoning', text: 'Call the tool.', signature: 'sig' }],
        toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', toolCallId: 'toolu_1', content: 'rain', isError: true },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ])
  })

  it('refuses blocks and media it cannot represent, naming where', () => {
    const turn = (content: unknown) => ({ messages: [{ role: 'user', content }] })
    const bad: [unknown, RegExp][] = [
      [[], /request must be an object/],
      [
        turn([{ type: 'server_tool_use', id: 'x' }]),
        /messages\[0\]\.content\[0\]: type "server_tool_use" is not supported/,
      ],
      [
        turn([{ type: 'image', source: { type: 'base64', media_type: 'image/svg+xml', data: 'PHN2Zz4=' } }]),
        /image\/svg\+xml/,
      ],
      [
        turn([{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } }]),
        /type "text" is not supported/,
      ],
      [{ messages: [{ role: 'bot', content: 'x' }] }, /role must be user, assistant or system/],
    ]
    for (const [input, re] of bad)
      expect(() => fromAnthropicMessages(input), JSON.stringify(input)).toThrow(re)
  })
})
