import { describe, expect, it } from 'vitest'
import { checkToolPairs, DEFAULT_TOOL_PLACEHOLDER, type MessageInput } from '../../src/index.js'

const call = (id: string) => ({ id, name: 'lookup', arguments: { id } })
const ask: MessageInput = { role: 'user', content: 'Is the flat free?' }
const calls: MessageInput = { role: 'assistant', content: 'Checking.', toolCalls: [call('a'), call('b')] }
const resultA: MessageInput = { role: 'tool', toolCallId: 'a', content: 'free' }
const resultB: MessageInput = { role: 'tool', toolCallId: 'b', content: '2 visits booked' }
const answer: MessageInput = { role: 'assistant', content: 'Yes, it is free.' }

describe('checkToolPairs', () => {
  it('passes a history where every call has its result right after it, in any order', () => {
    const report = checkToolPairs([ask, calls, resultB, resultA, answer])
    expect(report.ok).toBe(true)
    expect(report.orphanCalls).toEqual([])
    expect(report.orphanResults).toEqual([])
  })

  it('reports calls without results and results without calls, and leaves the input as it was', () => {
    const stray: MessageInput = { role: 'tool', toolCallId: 'zzz', content: 'late' }
    const input = [ask, calls, resultA, answer, stray]
    const report = checkToolPairs(input)
    expect(report.ok).toBe(false)
    expect(report.orphanCalls).toEqual([{ index: 1, call: call('b') }])
    expect(report.orphanResults).toEqual([{ index: 4, toolCallId: 'zzz' }])
    expect(report.messages).toBe(input)
  })

  it('counts a result as an orphan when a user message separates it from its call', () => {
    const report = checkToolPairs([calls, resultA, ask, resultB])
    expect(report.orphanCalls.map((o) => o.call.id)).toEqual(['b'])
    expect(report.orphanResults.map((o) => o.toolCallId)).toEqual(['b'])
  })

  it("repair 'drop' removes orphan results and unanswered calls, keeping the assistant's text", () => {
    const report = checkToolPairs(
      [ask, calls, resultA, { role: 'tool', toolCallId: 'x', content: '?' }, answer],
      {
        repair: 'drop',
      },
    )
    expect(report.messages).toEqual([
      ask,
      { role: 'assistant', content: 'Checking.', toolCalls: [call('a')] },
      resultA,
      answer,
    ])
    expect(checkToolPairs(report.messages).ok).toBe(true)
  })

  it("repair 'drop' removes an assistant message left with neither text nor calls", () => {
    const silent: MessageInput = { role: 'assistant', content: '', toolCalls: [call('q')] }
    expect(checkToolPairs([ask, silent, answer], { repair: 'drop' }).messages).toEqual([ask, answer])
    const talking: MessageInput = { role: 'assistant', content: 'One moment', toolCalls: [call('q')] }
    expect(checkToolPairs([ask, talking], { repair: 'drop' }).messages).toEqual([
      ask,
      { role: 'assistant', content: 'One moment' },
    ])
  })

  it("repair 'placeholder' answers each unanswered call right after the real results", () => {
    const report = checkToolPairs([ask, calls, resultA, answer], { repair: 'placeholder' })
    expect(report.messages).toEqual([
      ask,
      calls,
      resultA,
      { role: 'tool', toolCallId: 'b', content: DEFAULT_TOOL_PLACEHOLDER },
      answer,
    ])
    expect(checkToolPairs(report.messages).ok).toBe(true)
    const custom = checkToolPairs([calls], { repair: 'placeholder', placeholder: 'timed out' })
    expect(custom.messages.slice(1).map((m) => m.content)).toEqual(['timed out', 'timed out'])
  })

  it('refuses an unknown repair mode', () => {
    expect(() => checkToolPairs([], { repair: 'fix' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })
})
