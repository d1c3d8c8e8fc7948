import { describe, expect, it } from 'vitest'
import { countMessageTokens, type MessageInput, selectContext } from '../../src/index.js'

const u = (content: string): MessageInput => ({ role: 'user', content })
const a = (content: string): MessageInput => ({ role: 'assistant', content })
const sys: MessageInput = { role: 'system', content: 'You sell flats in Bengaluru.' }
const tokens = (ms: readonly MessageInput[]) => ms.reduce((s, m) => s + countMessageTokens(m), 0)

const turns: MessageInput[] = [sys]
for (let i = 0; i < 10; i++)
  turns.push(u(`question number ${i} about flats`), a(`answer number ${i} with details`))

describe('selectContext', () => {
  it('keeps everything sendable when given no limits', () => {
    const sel = selectContext(turns)
    expect(sel.messages).toEqual(turns)
    expect(sel.dropped).toBe(0)
    expect(sel.tokens).toBe(tokens(turns))
  })

  it('keeps the newest messages within maxMessages, system prompt pinned', () => {
    const sel = selectContext(turns, { maxMessages: 5 })
    expect(sel.messages).toEqual([sys, ...turns.slice(-4)])
    expect(sel.dropped).toBe(turns.length - 5)
    expect(selectContext(turns, { maxMessages: 4, pinSystem: false }).messages).toEqual(turns.slice(-4))
  })

  it('fills a token budget from the newest back, never past it, minus reserveTokens', () => {
    const budget = tokens([sys, ...turns.slice(-6)])
    const sel = selectContext(turns, { maxTokens: budget + 2 })
    expect(sel.messages).toEqual([sys, ...turns.slice(-6)])
    expect(sel.tokens).toBeLessThanOrEqual(budget + 2)
    const reserved = selectContext(turns, { maxTokens: budget + 2, reserveTokens: 20 })
    expect(reserved.tokens).toBeLessThanOrEqual(budget + 2 - 20)
    expect(reserved.messages.length).toBeLessThan(7)
    expect(reserved.budget).toBe(budget + 2 - 20)
  })

  it('keeps an assistant message with tool calls and its results together or drops them together', () => {
    const calls: MessageInput = {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'c1', name: 'search', arguments: { area: 'Whitefield' } },
        { id: 'c2', name: 'search', arguments: { area: 'Indiranagar' } },
      ],
    }
    const r1: MessageInput = { role: 'tool', toolCallId: 'c1', content: '3 flats' }
    const r2: MessageInput = { role: 'tool', toolCallId: 'c2', content: '1 flat' }
    const log = [u('Any 2BHK?'), calls, r1, r2, a('Four in total.')]
    for (let n = 1; n <= log.length; n++) {
      const sel = selectContext(log, { maxMessages: n })
      const has = (m: MessageInput) => sel.messages.includes(m)
      expect(has(calls) === has(r1) && has(r1) === has(r2), `maxMessages ${n}`).toBe(true)
    }
    expect(selectContext(log, { maxMessages: 3 }).messages).toEqual([a('Four in total.')])
    expect(selectContext(log, { maxMessages: 4 }).messages).toEqual([calls, r1, r2, a('Four in total.')])
  })

  it('never sends a call without its result or a stray result, and says so', () => {
    const pending: MessageInput = {
      role: 'assistant',
      content: 'Let me check',
      toolCalls: [{ id: 'p', name: 'f', arguments: {} }],
    }
    const stray: MessageInput = { role: 'tool', toolCallId: 'nope', content: 'x' }
    const sel = selectContext([u('hi'), stray, a('hello'), u('book it'), pending])
    expect(sel.messages).toEqual([u('hi'), a('hello'), u('book it')])
    expect(sel.notes.join(' ')).toMatch(/1 tool result\(s\) with no matching call/)
    expect(sel.notes.join(' ')).toMatch(/tool calls have no result yet/)
  })

  it('reports instead of breaking the budget when the newest unit cannot fit', () => {
    const sel = selectContext([u('short'), a('x'.repeat(400))], { maxTokens: 50 })
    expect(sel.messages).toEqual([])
    expect(sel.tokens).toBe(0)
    expect(sel.fits).toBe(false)
    expect(sel.notes.join(' ')).toMatch(
      /newest message unit \(index 1: 1 message\(s\), \d+ tokens\) does not fit the budget of 50 tokens/,
    )
  })

  it('mixes relevance with recency and keeps chronological order', () => {
    const log = [
      u('pool and gym?'),
      a('Both, on the roof.'),
      u('parking?'),
      a('One covered slot.'),
      u('and the price?'),
    ]
    const scores = [0.9, 0.8, 0.1, 0.1, 0.5]
    const budget = tokens([log[0]!, log[1]!, log[4]!])
    const sel = selectContext(log, { maxTokens: budget, scores, relevanceWeight: 0.9 })
    expect(sel.messages).toEqual([log[0], log[1], log[4]])
    const recent = selectContext(log, { maxTokens: budget, scores, relevanceWeight: 0 })
    expect(recent.messages).toEqual(log.slice(-3))
  })

  it('startOnUser leaves out leading assistant messages', () => {
    const sel = selectContext([u('a'), a('b'), a('c'), u('d')], { maxMessages: 3, startOnUser: true })
    expect(sel.messages).toEqual([u('d')])
    expect(sel.notes.join(' ')).toMatch(/before the first user message/)
  })

  it('refuses bad options with INVALID_ARGUMENT naming them', () => {
    for (const [options, re] of [
      [{ maxTokens: 0 }, /maxTokens/],
      [{ maxMessages: 1.5 }, /maxMessages/],
      [{ maxTokens: 100, reserveTokens: 100 }, /reserveTokens must be smaller/],
      [{ relevanceWeight: 2 }, /relevanceWeight/],
      [{ scores: [1] }, /2 finite numbers/],
    ] as const) {
      expect(() => selectContext([u('a'), a('b')], options)).toThrow(re)
    }
  })
})
