import { describe, expect, it } from 'vitest'
import { computeHistoryStats, type HistoryMessage } from '../../src/history/index.js'

let seq = 0
const msg = (role: HistoryMessage['role'], content: string, createdAt: number, extra = {}): HistoryMessage =>
  ({ seq: ++seq, id: `m${seq}`, createdAt, role, content, ...extra }) as HistoryMessage

describe('computeHistoryStats', () => {
  it('reports zeros for an empty history', () => {
    expect(computeHistoryStats([])).toMatchObject({
      messages: 0,
      firstAt: undefined,
      lastAt: undefined,
      durationMs: 0,
      averageChars: 0,
      estimatedTokens: 0,
      topTopics: [],
    })
  })

  it('counts topics from user and assistant text only, without stop words, numbers or short words', () => {
    const stats = computeHistoryStats(
      [
        msg('system', 'smartphone smartphone smartphone smartphone', 0),
        msg('user', 'Do you have a 2BHK flat? I want a flat with a balcony.', 0),
        msg('assistant', 'We have 3 flats: one 2BHK flat near the metro.', 60_000, {
          toolCalls: [{ id: 'c', name: 'search', arguments: {} }],
        }),
        msg('tool', 'flat flat flat flat flat', 61_000, { toolCallId: 'c' }),
        msg('user', "What's the price of the 2bhk?", 3_600_000),
      ],
      { topTopics: 3 },
    )
    expect(stats.topTopics).toEqual([
      { word: '2bhk', count: 3 },
      { word: 'flat', count: 3 },
      { word: 'balcony', count: 1 },
    ])
    const all = computeHistoryStats([msg('user', "What's the price? Don't rush.", 0)], { topTopics: 10 })
    expect(all.topTopics.map((t) => t.word)).toEqual(['price', 'rush'])
    expect(stats.byRole).toEqual({ system: 1, user: 2, assistant: 1, tool: 1 })
    expect(stats.toolCalls).toBe(1)
    expect(stats.durationMs).toBe(3_600_000)
  })

  it('never counts reasoning as visible text', () => {
    const reasoning = [
      { type: 'reasoning', text: 'metro metro metro metro metro metro', signature: 'sig' },
      { type: 'text', text: 'A flat.' },
    ]
    const stats = computeHistoryStats([
      { seq: 1, id: 'a', createdAt: 0, role: 'assistant', content: reasoning } as HistoryMessage,
    ])
    expect(stats.averageChars).toBe('A flat.'.length)
    expect(stats.topTopics).toEqual([{ word: 'flat', count: 1 }])
    // A model reads reasoning back inside a tool loop: the token budget counts it.
    expect(stats.estimatedTokens).toBeGreaterThan(
      computeHistoryStats([msg('assistant', 'A flat.', 0)]).estimatedTokens,
    )
  })
})
