import { describe, expect, it } from 'vitest'
import { validateMessage } from '../../src/message/validate.js'

const limits = { maxMessageBytes: 1_024 }
const check = (m: unknown) => validateMessage(m, limits, 'message 1')

describe('validateMessage', () => {
  it('accepts the four roles, parts, tool calls and metadata, and returns a clean copy', () => {
    expect(check({ role: 'user', content: 'hi', metadata: { channel: 'web' } })).toEqual({
      role: 'user',
      content: 'hi',
      metadata: { channel: 'web' },
    })
    expect(
      check({
        role: 'user',
        content: [
          { type: 'text', text: 'this one?' },
          { type: 'image', url: 'https://x.test/a.png' },
        ],
      }),
    ).toMatchObject({ content: [{ type: 'text' }, { type: 'image' }] })
    const call = check({
      role: 'assistant',
      content: '',
      toolCalls: [{ id: 'c1', name: 'search', arguments: { q: 'x' } }],
    })
    expect(call.toolCalls).toEqual([{ id: 'c1', name: 'search', arguments: '{"q":"x"}' }])
    expect(check({ role: 'tool', toolCallId: 'c1', content: '' })).toEqual({
      role: 'tool',
      toolCallId: 'c1',
      content: '',
    })
    expect(check({ role: 'system', content: 'Be brief.' }).role).toBe('system')
  })

  it('refuses bad shapes with INVALID_ARGUMENT naming the field', () => {
    const bad: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{ role: 'bot', content: 'x' }, /role must be one of/],
      [{ role: 'user', content: 5 }, /content must be a string/],
      [{ role: 'user', content: '' }, /content is empty/],
      [{ role: 'assistant', content: '' }, /content is empty/],
      [{ role: 'user', content: 'x', tool_calls: [] }, /unknown field "tool_calls"; use toolCalls/],
      [{ role: 'user', content: 'x', seq: 3 }, /store assigns seq/],
      [{ role: 'user', content: 'x', toolCallId: 'c1' }, /only allowed on tool messages/],
      [{ role: 'tool', content: 'x' }, /toolCallId must be a string/],
      [
        { role: 'user', content: 'x', toolCalls: [{ id: 'a', name: 'f', arguments: {} }] },
        /only allowed on assistant/,
      ],
      [{ role: 'assistant', content: 'x', toolCalls: [] }, /toolCalls must be an array of 1/],
      [
        {
          role: 'assistant',
          content: 'x',
          toolCalls: [
            { id: 'a', name: 'f', arguments: {} },
            { id: 'a', name: 'g', arguments: {} },
          ],
        },
        /repeats an earlier call/,
      ],
      [
        { role: 'assistant', content: 'x', toolCalls: [{ id: 'a', name: 'bad name', arguments: {} }] },
        /name must be/,
      ],
      [
        { role: 'assistant', content: 'x', toolCalls: [{ id: 'a', name: 'f', arguments: '[1]' }] },
        /arguments must be a JSON object/,
      ],
      [
        { role: 'assistant', content: 'x', toolCalls: [{ id: 'a', name: 'f', arguments: '{"a":' }] },
        /arguments is not valid JSON/,
      ],
      [
        { role: 'user', content: [{ type: 'image', url: 'data:image/svg+xml;base64,PHN2Zz4=' }] },
        /image\/svg\+xml image; the providers accept image\/png, image\/jpeg, image\/gif, image\/webp/,
      ],
      [
        { role: 'user', content: [{ type: 'image', url: 'data:image/jpg;base64,AAAA' }] },
        /write image\/jpeg/,
      ],
      [{ role: 'user', content: [{ type: 'image', url: 'data:image/png;base64,<script>' }] }, /not base64/],
      [
        { role: 'user', content: [{ type: 'image', url: 'https://x.test/a.png', detail: 'max' }] },
        /detail must be/,
      ],
      [
        {
          role: 'user',
          content: [{ type: 'file', url: 'data:text/html;base64,AAAA', mediaType: 'application/pdf' }],
        },
        /data:application\/pdf/,
      ],
      [{ role: 'user', content: [{ type: 'reasoning', text: 'x', signature: 's' }] }, /not allowed on user/],
      [
        { role: 'assistant', content: [{ type: 'reasoning', text: 'x', signature: 's', itemId: 'rs_1' }] },
        /from one provider/,
      ],
      [{ role: 'assistant', content: [{ type: 'reasoning', text: 'x', redactedData: 'd' }] }, /empty text/],
      [
        { role: 'assistant', content: [{ type: 'reasoning', text: '', encryptedContent: 'e' }] },
        /needs the itemId/,
      ],
      [{ role: 'assistant', content: [{ type: 'text', text: 'x', extra: 1 }] }, /unknown field "extra"/],
      [{ role: 'assistant', content: [{ type: '__proto__', text: 'x' }] }, /part types/],
      [{ role: 'user', content: 'x', isError: true }, /only allowed on tool messages/],
      [{ role: 'tool', toolCallId: 'c', content: 'not json', isJson: true }, /valid JSON/],
      [{ role: 'tool', toolCallId: 'c', content: 'x', isError: 'yes' }, /isError must be true, false/],
      [
        { role: 'assistant', content: [{ type: 'image', url: 'https://x.test/a.png' }] },
        /not allowed on assistant/,
      ],
      [
        { role: 'user', content: [{ type: 'image', url: 'javascript:alert(1)' }] },
        /http\(s\) URL or a data:image/,
      ],
      [{ role: 'user', content: [{ type: 'video', url: 'x' }] }, /must be \{ type: 'text'/],
      [{ role: 'user', content: 'x', metadata: [] }, /metadata must be a JSON object/],
      [{ role: 'user', content: 'x', metadata: { n: Number.NaN } }, /finite number/],
      [{ role: 'user', content: 'x', metadata: JSON.parse('{"__proto__": {"polluted": true}}') }, /refused/],
    ]
    for (const [input, message] of bad) {
      expect(() => check(input), JSON.stringify(input)).toThrow(message)
      try {
        check(input)
      } catch (e) {
        expect((e as { code: string }).code).toBe('INVALID_ARGUMENT')
      }
    }
  })

  it('keeps arguments text byte for byte and reasoning with its provider data', () => {
    const text = '{"b":1,"a":12345678901234567890}'
    const m = check({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Let me check.', signature: 'EqQBCgIYAhIM' },
        { type: 'reasoning', text: '', redactedData: 'EmwKAhgBEgy3va3pzix' },
        { type: 'text', text: 'Checking.' },
      ],
      toolCalls: [{ id: 'toolu_1', name: 'lookup', arguments: text }],
    })
    expect(m.toolCalls![0]!.arguments).toBe(text)
    expect(m.content).toHaveLength(3)
    expect(
      check({ role: 'tool', toolCallId: 'c', content: '{"ok":true}', isJson: true, isError: false }),
    ).toEqual({
      role: 'tool',
      toolCallId: 'c',
      content: '{"ok":true}',
      isError: false,
      isJson: true,
    })
  })

  it('refuses a message larger than maxMessageBytes with LIMIT_EXCEEDED', () => {
    expect(() => check({ role: 'user', content: 'x'.repeat(2_000) })).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/limit is 1024/) }),
    )
  })
})
