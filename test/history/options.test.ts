import { describe, expect, it } from 'vitest'
import { parseHistoryOptions } from '../../src/history/index.js'
import { estimateTokens } from '../../src/index.js'

describe('parseHistoryOptions', () => {
  it('fills the defaults', () => {
    expect(parseHistoryOptions(undefined)).toEqual({
      maxMessages: 500,
      ttlMs: undefined,
      maxMessageBytes: 65_536,
      tokenizer: estimateTokens,
      summarize: undefined,
      summarizeTimeoutMs: 10_000,
      maxSummaryChars: 4_000,
    })
    const summarize = () => 'ok'
    expect(parseHistoryOptions({ ttlMs: 7_200_000, summarize }).summarize).toBe(summarize)
    expect(parseHistoryOptions({ summarize: 'extractive' }).summarize).toBe('extractive')
  })

  it('fails with INVALID_CONFIG naming the option', () => {
    for (const [input, name] of [
      [{ maxMessages: 0 }, 'history.maxMessages'],
      [{ maxMessages: 1e9 }, 'history.maxMessages'],
      [{ ttlMs: -5 }, 'history.ttlMs'],
      [{ maxMessageBytes: 10 }, 'history.maxMessageBytes'],
      [{ tokenizer: 'bpe' }, 'history.tokenizer'],
      [{ summarize: 'llm' }, 'history.summarize'],
      [{ maxMesages: 5 }, 'history.maxMesages'],
    ] as const) {
      expect(() => parseHistoryOptions(input)).toThrow(
        expect.objectContaining({
          code: 'INVALID_CONFIG',
          message: expect.stringContaining(`option "${name}"`),
        }),
      )
    }
  })
})
