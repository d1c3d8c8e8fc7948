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
    expect(call.toolCalls).toEqual([{ id: 'c1', name: 'search', arguments: { q: 'x' } }])
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
        { role: 'assistant', content: 'x', toolCalls: [{ id: 'a', name: 'f', arguments: '{}' }] },
        /arguments must be a JSON object/,
      ],
      [
        { role: 'assistant', content: [{ type: 'image', url: 'https://x.test/a.png' }] },
        /only allowed on user/,
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

  it('refuses a message larger than maxMessageBytes with LIMIT_EXCEEDED', () => {
    expect(() => check({ role: 'user', content: 'x'.repeat(2_000) })).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(/limit is 1024/) }),
    )
  })
})
