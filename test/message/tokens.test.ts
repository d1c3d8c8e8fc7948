import { describe, expect, it } from 'vitest'
import { createTokenCounter } from '../../src/history/tokens.js'
import {
  countMessageTokens,
  estimateTokens,
  FILE_TOKENS,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  selectContext,
} from '../../src/index.js'

describe('token counting', () => {
  it('estimates from words, digits, punctuation and scripts, in whole tokens', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('hello')).toBe(3)
    expect(estimateTokens('hello world')).toBeGreaterThan(estimateTokens('hello'))
    expect(estimateTokens('12345678901234567890')).toBeGreaterThanOrEqual(7)
    expect(estimateTokens('東京')).toBeGreaterThan(estimateTokens('To'))
    expect(estimateTokens('👨‍👩‍👧')).toBeGreaterThan(estimateTokens('😀'))
    for (const t of ['a', 'ab', '😀', '\n', ' ', 'é']) expect(Number.isInteger(estimateTokens(t))).toBe(true)
  })

  it('counts a message with its overhead, tool calls (the exact arguments text), images, PDFs and reasoning', () => {
    const e = estimateTokens
    expect(countMessageTokens({ role: 'user', content: 'abcd' })).toBe(MESSAGE_OVERHEAD_TOKENS + e('abcd'))
    const withImage = {
      role: 'user' as const,
      content: [
        { type: 'image' as const, url: 'https://x.test/a.png' },
        { type: 'file' as const, url: 'https://x.test/a.pdf', mediaType: 'application/pdf' as const },
      ],
    }
    expect(countMessageTokens(withImage)).toBe(MESSAGE_OVERHEAD_TOKENS + IMAGE_TOKENS + FILE_TOKENS)
    const call = {
      role: 'assistant' as const,
      content: '',
      toolCalls: [{ id: 'c', name: 'abcd', arguments: '{"a": 1}' }],
    }
    expect(countMessageTokens(call)).toBe(MESSAGE_OVERHEAD_TOKENS * 2 + e('abcd') + e('{"a": 1}'))
    const reasoning = {
      role: 'assistant' as const,
      content: [
        { type: 'reasoning' as const, text: 'think', signature: 'x'.repeat(400) },
        { type: 'reasoning' as const, text: '', redactedData: 'y'.repeat(400) },
      ],
    }
    // Reasoning text is read back in a tool loop; redacted data at a quarter token per character; signatures are free.
    expect(countMessageTokens(reasoning)).toBe(MESSAGE_OVERHEAD_TOKENS + e('think') + 100)
  })

  it('uses a custom tokenizer and counts each message once', () => {
    let calls = 0
    const tokenizer = (text: string) => {
      calls++
      return text.split(' ').length
    }
    const counter = createTokenCounter(tokenizer)
    const m = { role: 'user' as const, content: 'one two three' }
    expect(counter.count(m)).toBe(MESSAGE_OVERHEAD_TOKENS + 3)
    expect(counter.count(m)).toBe(MESSAGE_OVERHEAD_TOKENS + 3)
    expect(calls).toBe(1)
  })

  it('turns a tokenizer that throws or returns garbage into INVALID_ARGUMENT', () => {
    const m = [{ role: 'user' as const, content: 'x' }]
    expect(() =>
      selectContext(m, {
        maxTokens: 10,
        tokenizer: () => {
          throw new Error('boom')
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', cause: expect.any(Error) }))
    expect(() => selectContext(m, { maxTokens: 10, tokenizer: () => Number.NaN })).toThrow(/finite number/)
  })
})
