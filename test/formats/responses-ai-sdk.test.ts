import { describe, expect, it } from 'vitest'
import {
  type FormatNote,
  fromModelMessages,
  fromResponsesInput,
  type MessageInput,
  toModelMessages,
  toResponsesInput,
} from '../../src/index.js'

const thinkingTurn: MessageInput[] = [
  { role: 'user', content: 'Weather?' },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Call the tool.', signature: 'sig' },
      { type: 'reasoning', text: 'Summary one.', itemId: 'rs_1', encryptedContent: 'enc' },
      { type: 'reasoning', text: 'Summary two.', itemId: 'rs_1' },
      { type: 'reasoning', text: 'Unsigned.' },
      { type: 'text', text: 'Checking.' },
    ],
    toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris","id":12345678901234567890}' }],
  },
  { role: 'tool', toolCallId: 'call_1', content: '{"temp":18}', isJson: true },
]

describe('toResponsesInput', () => {
  it('replays OpenAI reasoning items, merges the summaries of one item, and notes the rest', () => {
    const notes: FormatNote[] = []
    const input = toResponsesInput(thinkingTurn, { onNote: (n) => notes.push(n) })
    expect(input).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [
          { type: 'summary_text', text: 'Summary one.' },
          { type: 'summary_text', text: 'Summary two.' },
        ],
        encrypted_content: 'enc',
      },
      { role: 'assistant', content: 'Checking.' },
      {
        type: 'function_call',
        call_id: 'call_1',
        name: 'weather',
        arguments: '{"city":"Paris","id":12345678901234567890}',
      },
      { type: 'function_call_output', call_id: 'call_1', output: '{"temp":18}' },
    ])
    expect(notes.map((n) => [n.kind, n.index])).toEqual([
      ['reasoning-dropped', 1],
      ['reasoning-dropped', 1],
    ])
  })
})

describe('fromResponsesInput', () => {
  it('groups a tool loop into one assistant message and refuses unknown items', () => {
    const out = fromResponsesInput([
      { role: 'user', content: 'Go.' },
      { type: 'reasoning', id: 'rs_9', summary: [], encrypted_content: 'e' },
      {
        type: 'function_call',
        call_id: 'c',
        name: 'f',
        arguments: '{"a":1}',
        id: 'fc_9',
        status: 'completed',
      },
      { type: 'function_call_output', call_id: 'c', output: 'ok' },
    ])
    expect(out).toEqual([
      { role: 'user', content: 'Go.' },
      {
        role: 'assistant',
        content: [{ type: 'reasoning', text: '', itemId: 'rs_9', encryptedContent: 'e' }],
        toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":1}', itemId: 'fc_9' }],
      },
      { role: 'tool', toolCallId: 'c', content: 'ok' },
    ])
    expect(() => fromResponsesInput([{ type: 'web_search_call', id: 'ws_1' }])).toThrow(
      /input\[0\]: type "web_search_call" is not supported/,
    )
    expect(() =>
      fromResponsesInput([{ type: 'function_call', call_id: 'c', name: 'f', arguments: '[]' }]),
    ).toThrow(/arguments must be a JSON object/)
  })
})

describe('toModelMessages', () => {
  it('carries each provider data in providerOptions and parses arguments for the AI SDK', () => {
    const [, assistant, tool] = toModelMessages(thinkingTurn)
    expect(assistant).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Call the tool.', providerOptions: { anthropic: { signature: 'sig' } } },
        {
          type: 'reasoning',
          text: 'Summary one.',
          providerOptions: { openai: { itemId: 'rs_1', reasoningEncryptedContent: 'enc' } },
        },
        { type: 'reasoning', text: 'Summary two.', providerOptions: { openai: { itemId: 'rs_1' } } },
        { type: 'reasoning', text: 'Unsigned.' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: expect.any(Object) },
      ],
    })
    expect(tool).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call_1',
          toolName: 'weather',
          output: { type: 'json', value: { temp: 18 } },
        },
      ],
    })
  })
})

describe('fromModelMessages', () => {
  it('keeps a string input as the arguments text, never encoding it twice', () => {
    const [m] = fromModelMessages([
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 't', toolName: 'f', input: '{"a":1}' }],
      },
    ])
    expect(m!.toolCalls![0]!.arguments).toBe('{"a":1}')
  })

  it('turns base64 and bytes into data URLs and refuses what it cannot represent', () => {
    const [m] = fromModelMessages([
      {
        role: 'user',
        content: [
          { type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/png' },
          { type: 'image', image: new Uint8Array([1, 2, 3]), mediaType: 'image/gif' },
          { type: 'file', data: new URL('https://x.test/a.pdf'), mediaType: 'application/pdf' },
        ],
      },
    ])
    expect(m!.content).toEqual([
      { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
      { type: 'image', url: 'data:image/gif;base64,AQID' },
      { type: 'file', url: 'https://x.test/a.pdf', mediaType: 'application/pdf' },
    ])
    const bad: [unknown, RegExp][] = [
      [[{ role: 'user', content: [{ type: 'image', image: 'iVBORw0KGgo=' }] }], /need a mediaType/],
      [
        [{ role: 'user', content: [{ type: 'image', image: 'PHN2Zz4=', mediaType: 'image/svg+xml' }] }],
        /image\/svg\+xml/,
      ],
      [
        [{ role: 'user', content: [{ type: 'file', data: 'https://x.test/a.csv', mediaType: 'text/csv' }] }],
        /application\/pdf/,
      ],
      [[{ role: 'assistant', content: [{ type: 'custom', kind: 'x.y' }] }], /type "custom" is not supported/],
      [
        [{ role: 'tool', content: [{ type: 'tool-approval-response', approvalId: 'a', approved: true }] }],
        /not supported/,
      ],
      [
        [
          {
            role: 'assistant',
            content: [
              { type: 'tool-call', toolCallId: 't', toolName: 'f', input: {}, providerExecuted: true },
            ],
          },
        ],
        /provider-executed/,
      ],
    ]
    for (const [input, re] of bad) expect(() => fromModelMessages(input), JSON.stringify(input)).toThrow(re)
  })
})
