import { describe, expect, it } from 'vitest'
import { createTokenCounter } from '../../src/history/tokens.js'
import {
  countMessageTokens,
  estimateTokens,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  selectContext,
} from '../../src/index.js'

describe('token counting', () => {
  it('estimates a quarter token per ASCII character and one per other character', () => {
    expect(estimateTokens('')).toBe(0)
    expect(estimateTokens('abcd')).toBe(1)
    expect(estimateTokens('abcde')).toBe(2)
    expect(estimateTokens('東京')).toBe(2)
    expect(estimateTokens('café')).toBe(1 + 1)
  })

  it('counts a message with its overhead, tool calls and images', () => {
    expect(countMessageTokens({ role: 'user', content: 'abcd' })).toBe(MESSAGE_OVERHEAD_TOKENS + 1)
    const withImage = {
      role: 'user' as const,
      content: [{ type: 'image' as const, url: 'https://x.test/a.png' }],
    }
    expect(countMessageTokens(withImage)).toBe(MESSAGE_OVERHEAD_TOKENS + IMAGE_TOKENS)
    const call = {
      role: 'assistant' as const,
      content: '',
      toolCalls: [{ id: 'c', name: 'abcd', arguments: {} }],
    }
    expect(countMessageTokens(call)).toBe(MESSAGE_OVERHEAD_TOKENS * 2 + 1 + 1)
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
