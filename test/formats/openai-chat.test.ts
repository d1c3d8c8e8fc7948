import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkToolPairs,
  type FormatNote,
  fromOpenAIMessages,
  type MessageInput,
  toOpenAIMessages,
} from '../../src/index.js'
import { history } from '../history/arbitraries.js'
import { expectOpenAIMessages } from './provider-shapes.js'

const conversation: MessageInput[] = [
  { role: 'system', content: 'You are a property sales assistant.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Is this flat in Whitefield?' },
      { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
      { type: 'image', url: 'https://img.test/flat.jpg', detail: 'high' },
    ],
  },
  {
    role: 'assistant',
    content: 'Let me look it up.',
    toolCalls: [
      { id: 'call_1', name: 'find_listing', arguments: '{"area":"Whitefield","bhk":2}' },
      { id: 'call.2', name: 'price_history', arguments: '{}' },
    ],
  },
  { role: 'tool', toolCallId: 'call_1', content: '{"found":true}' },
  { role: 'tool', toolCallId: 'call.2', content: '' },
  { role: 'user', content: 'And the price?' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_3', name: 'quote', arguments: '{"id":7}' }] },
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
        { type: 'image_url', image_url: { url: 'https://img.test/flat.jpg', detail: 'high' } },
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

  it('sends the exact arguments text: big integers and key order intact, a string never encoded twice', () => {
    const text = '{"z":1,"order":12345678901234567890,"a":{"nested":9007199254740993}}'
    const [m] = toOpenAIMessages([
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: text }] },
    ])
    expect(m).toMatchObject({ tool_calls: [{ function: { arguments: text } }] })
    const back = fromOpenAIMessages([m])
    expect(back[0]!.toolCalls![0]!.arguments).toBe(text)
  })

  it('leaves reasoning out with a note, and can write developer for system', () => {
    const notes: FormatNote[] = []
    const out = toOpenAIMessages(
      [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'thinking', signature: 'sig' },
            { type: 'text', text: 'Done.' },
          ],
        },
      ],
      { systemRole: 'developer', onNote: (n) => notes.push(n) },
    )
    expect(out).toEqual([
      { role: 'developer', content: 'Be brief.' },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
    ])
    expect(notes).toEqual([expect.objectContaining({ kind: 'reasoning-dropped', index: 1 })])
  })

  it('leaves out an assistant turn that held only reasoning', () => {
    const notes: FormatNote[] = []
    const out = toOpenAIMessages(
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'hm', itemId: 'rs_1' }] },
      ],
      { onNote: (n) => notes.push(n) },
    )
    expect(out).toEqual([{ role: 'user', content: 'hi' }])
    expect(notes).toEqual([expect.objectContaining({ kind: 'reasoning-dropped', index: 1 })])
  })

  it('writes a refusal as refusal with null content', () => {
    expect(
      toOpenAIMessages([{ role: 'assistant', content: [{ type: 'refusal', text: 'I cannot.' }] }]),
    ).toEqual([{ role: 'assistant', content: null, refusal: 'I cannot.' }])
  })

  it('produces valid messages for any random history once tool pairs are repaired', () => {
    fc.assert(
      fc.property(history(30), fc.constantFrom('drop' as const, 'placeholder' as const), (log, repair) => {
        expectOpenAIMessages(toOpenAIMessages(checkToolPairs(log, { repair }).messages))
      }),
      { numRuns: 200 },
    )
  })
})

describe('fromOpenAIMessages', () => {
  it('maps developer to system, keeps arguments text, refusals and parts', () => {
    const out = fromOpenAIMessages([
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
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
      { role: 'assistant', content: [{ type: 'refusal', text: 'I cannot help with that.' }] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c', content: [{ type: 'text', text: 'done' }] },
    ])
  })

  it('notes the fields it leaves out', () => {
    const notes: FormatNote[] = []
    fromOpenAIMessages([{ role: 'user', content: 'hi', name: 'asha' }], { onNote: (n) => notes.push(n) })
    expect(notes).toEqual([expect.objectContaining({ kind: 'field-dropped', index: 0 })])
  })

  it('refuses what it cannot represent, naming the message', () => {
    const call = (args: string) => [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
      },
    ]
    const bad: [unknown, RegExp][] = [
      [{}, /messages must be an array/],
      [[{ role: 'function', name: 'f', content: 'x' }], /legacy function-calling/],
      [
        [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }],
        /messages\[0\]\.content\[0\]/,
      ],
      [[{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }], /file_data/],
      [call('{oops'), /not valid JSON/],
      [call('[1]'), /JSON object/],
      [call('"{\\"a\\":1}"'), /JSON object/],
      [call('{"__proto__":{"polluted":true}}'), /refused/],
      [[{ role: 'tool', content: 'x' }], /toolCallId/],
      [
        [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } }],
          },
        ],
        /image\/svg\+xml image; the providers accept/,
      ],
    ]
    for (const [input, re] of bad) {
      expect(() => fromOpenAIMessages(input), JSON.stringify(input)).toThrow(re)
    }
  })
})
