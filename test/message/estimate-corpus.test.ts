// The token estimate against the real o200k_base and cl100k_base counts (gpt-tokenizer, a
// devDependency) on the mixed corpus: never below either, median per category at most 1.5x the
// larger. Deterministic: the corpus is fixed and the counts exact. Speed is in bench/tokens.bench.ts.
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base'
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base'
import { describe, expect, it } from 'vitest'
import { countMessageTokens, estimateTokens, fromOpenAIMessages, type MessageInput } from '../../src/index.js'
import { type TokenCategory, tokenCorpus } from './token-corpus.js'

const corpus = tokenCorpus()

describe('estimateTokens on the mixed corpus', () => {
  it('is never below the real count of o200k_base nor of cl100k_base', () => {
    const below = corpus
      .map((s) => ({ ...s, estimate: estimateTokens(s.text), o200k: o200k(s.text), cl100k: cl100k(s.text) }))
      .filter((s) => s.estimate < s.o200k || s.estimate < s.cl100k)
    expect(below).toEqual([])
    expect(corpus.length).toBeGreaterThan(250)
  })

  it('keeps its median per category within 1.5x of the larger real count', () => {
    const ratios = new Map<TokenCategory, number[]>()
    for (const s of corpus) {
      const r = ratios.get(s.category) ?? []
      r.push(estimateTokens(s.text) / Math.max(o200k(s.text), cl100k(s.text)))
      ratios.set(s.category, r)
    }
    expect([...ratios.keys()].sort()).toEqual(['cjk', 'code', 'cyrillic', 'emoji', 'english', 'json'])
    for (const [category, r] of ratios) {
      r.sort((a, b) => a - b)
      expect(r[r.length >> 1], category).toBeLessThanOrEqual(1.5)
    }
  })
})

describe('countMessageTokens on tool-heavy messages', () => {
  it('is never below the same framing counted with either real tokenizer', () => {
    const json = corpus.filter((s) => s.category === 'json').map((s) => s.text)
    const messages: MessageInput[] = []
    for (let i = 0; i + 1 < json.length; i += 2) {
      const args = JSON.stringify(JSON.parse(json[i]!))
      const body = args.startsWith('{') ? args : JSON.stringify({ items: JSON.parse(args) })
      messages.push(
        ...fromOpenAIMessages([
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: `call_${i}Xk9qZ2`,
                type: 'function',
                function: { name: 'search_orders', arguments: body },
              },
            ],
          },
          { role: 'tool', tool_call_id: `call_${i}Xk9qZ2`, content: json[i + 1]! },
        ]),
      )
    }
    for (const m of messages) {
      const estimate = countMessageTokens(m)
      expect(estimate).toBeGreaterThanOrEqual(countMessageTokens(m, o200k))
      expect(estimate).toBeGreaterThanOrEqual(countMessageTokens(m, cl100k))
    }
    expect(messages.length).toBeGreaterThanOrEqual(80)
  })
})
