import { expect, it } from 'vitest'
import {
  countMessageTokens,
  type HistoryMessage,
  type HistoryOptionsInput,
  type MessageInput,
  type Summarizer,
} from '../../src/index.js'
import { forEachStore } from '../helpers/stores.js'
import { makeHistory } from './scope.js'

const u = (content: string): MessageInput => ({ role: 'user', content })
const a = (content: string): MessageInput => ({ role: 'assistant', content })

forEachStore((fixture) => {
  const setup = (history?: HistoryOptionsInput) => makeHistory(fixture, history)
  async function chat(history: Awaited<ReturnType<typeof setup>>['history'], turns: number) {
    for (let i = 1; i <= turns; i++) {
      await history.append(
        u(`Question ${i}: what about flat ${i} in Whitefield?`),
        a(`Answer ${i}: flat ${i} costs ${i}0 lakh.`),
      )
    }
  }

  it('returns every message when given no limits, and the system prompt pinned under a budget', async () => {
    const { history } = await setup()
    await history.append({ role: 'system', content: 'You sell flats.' })
    await chat(history, 10)
    expect((await history.context()).messages).toHaveLength(21)
    const ctx = await history.context({ maxTokens: 60, summarize: false })
    expect(ctx.messages[0]!.role).toBe('system')
    expect(ctx.messages.at(-1)!.content).toBe('Answer 10: flat 10 costs 100 lakh.')
    expect(ctx.tokens).toBeLessThanOrEqual(60)
    expect(ctx.dropped).toBe(21 - ctx.messages.length)
    expect(ctx.summary).toBeUndefined()
  })

  it('summarises what is left out, stores the summary with its seq range, and reuses it', async () => {
    const calls: { seqs: number[]; previous: string | undefined }[] = []
    const summarize: Summarizer = (messages, previous) => {
      calls.push({ seqs: messages.map((m) => m.seq), previous })
      return `talked about ${messages.length} messages`
    }
    const { history } = await setup()
    await chat(history, 10)
    const ctx = await history.context({ maxTokens: 120, summarize })
    expect(ctx.summary).toMatchObject({ fromSeq: 1, source: 'summarizer' })
    expect(ctx.summary!.toSeq).toBe(ctx.messages[0]!.seq - 1)
    expect(calls).toEqual([
      { seqs: Array.from({ length: ctx.summary!.toSeq }, (_, i) => i + 1), previous: undefined },
    ])
    expect(ctx.tokens).toBe(ctx.messages.reduce((s, m) => s + countMessageTokens(m), 0) + ctx.summary!.tokens)
    expect(ctx.tokens).toBeLessThanOrEqual(120)
    expect(await history.summary()).toMatchObject({ toSeq: ctx.summary!.toSeq, text: ctx.summary!.text })

    const again = await history.context({ maxTokens: 120, summarize })
    expect(again.summary!.source).toBe('stored')
    expect(calls).toHaveLength(1)

    await chat(history, 2)
    const later = await history.context({ maxTokens: 120, summarize })
    expect(calls).toHaveLength(2)
    expect(calls[1]!.previous).toBe(ctx.summary!.text)
    expect(calls[1]!.seqs[0]).toBe(ctx.summary!.toSeq + 1)
    expect(later.summary!.toSeq).toBe(later.messages[0]!.seq - 1)
    expect((await history.list({ limit: 100 })).messages).toHaveLength(24)
  })

  it('keeps history and uses the extractive fallback when the summariser throws', async () => {
    const { history } = await setup()
    await chat(history, 8)
    const before = await history.list({ limit: 100 })
    const ctx = await history.context({
      maxTokens: 120,
      summarize: () => {
        throw new Error('model overloaded')
      },
    })
    expect(ctx.summary!.source).toBe('extractive')
    expect((await history.summary())!.text).toMatch(
      /^Q: Question 1: what about flat 1 in Whitefield\?\nA: Answer 1/,
    )
    expect(ctx.summary!.text).toMatch(/A: Answer \d+: flat \d+ costs \d+ lakh\.$/)
    expect(ctx.report.summary).toBe('extractive')
    expect(ctx.report.summaryError).toMatch(/model overloaded/)
    expect(ctx.report.notes.join(' ')).toMatch(/extractive fallback was used/)
    expect(await history.list({ limit: 100 })).toEqual(before)
  })

  it('keeps history and uses the fallback when the summariser times out, and aborts it', async () => {
    const { history } = await setup({ summarizeTimeoutMs: 20 })
    await chat(history, 8)
    let aborted = false
    const ctx = await history.context({
      maxTokens: 120,
      summarize: (_m, _p, signal) =>
        new Promise<string>(() => {
          signal.addEventListener('abort', () => {
            aborted = true
          })
        }),
    })
    expect(ctx.summary!.source).toBe('extractive')
    expect(ctx.report.summaryError).toMatch(/did not answer within 20 ms/)
    expect(aborted).toBe(true)
    expect((await history.list({ limit: 100 })).total).toBe(16)
  })

  it('uses the fallback when the summariser returns no text', async () => {
    const { history } = await setup()
    await chat(history, 8)
    const ctx = await history.context({ maxTokens: 120, summarize: () => '  ' })
    expect(ctx.report.summaryError).toMatch(/returned no text/)
    expect(ctx.summary!.source).toBe('extractive')
  })

  it('with a configured summariser, what falls off the cap is always covered, each message summarised once', async () => {
    const seen: number[] = []
    const summarize: Summarizer = (messages, previous) => {
      seen.push(...messages.map((m) => m.seq))
      return `${previous ?? ''}[${messages[0]!.seq}-${messages.at(-1)!.seq}]`
    }
    const { history } = await setup({ maxMessages: 20, summarize })
    for (let i = 1; i <= 60; i++) {
      const r = await history.append(u(`message ${i}`))
      const oldest = r.messages[0]!.seq - r.length + 1
      const summary = await history.summary()
      if (oldest > 1) expect(summary!.toSeq).toBeGreaterThanOrEqual(oldest - 1)
    }
    const summary = (await history.summary())!
    expect(summary.missed).toBe(0)
    expect(seen).toEqual(Array.from({ length: summary.toSeq }, (_, i) => i + 1))
    const ctx = await history.context({ maxMessages: 5 })
    expect(ctx.report.fellOff).toBe(0)
    expect(ctx.summary!.toSeq).toBe(55)
  })

  it('a stored summary covers messages that fell off, even in a call without a summariser', async () => {
    const { history } = await setup({ maxMessages: 8, summarize: 'extractive' })
    await chat(history, 10)
    const ctx = await history.context({ summarize: false })
    expect(ctx.messages).toHaveLength(8)
    expect(ctx.summary!.source).toBe('stored')
    expect(ctx.summary!.toSeq).toBeGreaterThanOrEqual(12)
    expect(ctx.report.fellOff).toBe(0)
  })

  it('never exceeds the budget: reports when the newest unit cannot fit and leaves the summary out when there is no room', async () => {
    const { history } = await setup()
    await chat(history, 3)
    await history.append(a('x'.repeat(2_000)))
    const ctx = await history.context({ maxTokens: 100, summarize: 'extractive' })
    expect(ctx.messages).toEqual([])
    expect(ctx.tokens).toBeLessThanOrEqual(100)
    expect(ctx.report.fits).toBe(false)
    expect(ctx.report.notes.join(' ')).toMatch(
      /newest message unit \(seq 7: 1 message\(s\), \d+ tokens\) does not fit/,
    )
  })

  it('results without calls and calls without results neither go out nor take room from the budget', async () => {
    const { history } = await setup()
    const stray: MessageInput = { role: 'tool', toolCallId: 'gone', content: 'x'.repeat(400) }
    const pending: MessageInput = {
      role: 'assistant',
      content: 'y'.repeat(400),
      toolCalls: [{ id: 'never', name: 'f', arguments: {} }],
    }
    await history.append(u('first question'), a('first answer'), stray, pending, u('second question'))
    const ctx = await history.context({ maxTokens: 40, summarize: false })
    expect(ctx.messages.map((m) => m.content)).toEqual(['first question', 'first answer', 'second question'])
    expect(ctx.tokens).toBeLessThanOrEqual(40)
  })

  it('shortens a long summary to summaryMaxTokens, keeping its end', async () => {
    const { history } = await setup()
    await chat(history, 10)
    const ctx = await history.context({
      maxMessages: 2,
      summarize: () => `${'old facts. '.repeat(200)}newest fact.`,
      summaryMaxTokens: 30,
    })
    expect(ctx.summary!.tokens).toBeLessThanOrEqual(30)
    expect(ctx.summary!.text.startsWith('…')).toBe(true)
    expect(ctx.summary!.text.endsWith('newest fact.')).toBe(true)
  })

  it('mixes relevance scores with recency and falls back to recency when the function fails', async () => {
    const { history } = await setup()
    await history.append(u('Does the building have a pool?'), a('Yes, a rooftop pool.'))
    await chat(history, 5)
    await history.append(u('Is the pool heated?'))
    const relevance = (query: string, messages: readonly HistoryMessage[]) =>
      messages.map((m) => (String(m.content).toLowerCase().includes(query) ? 1 : 0))
    const budget = 60
    const ctx = await history.context({
      maxTokens: budget,
      query: 'pool',
      relevance,
      relevanceWeight: 0.8,
      summarize: false,
    })
    const contents = ctx.messages.map((m) => m.content)
    expect(contents).toContain('Yes, a rooftop pool.')
    expect(contents.at(-1)).toBe('Is the pool heated?')
    expect(ctx.messages.map((m) => m.seq)).toEqual(ctx.messages.map((m) => m.seq).sort((x, y) => x - y))

    const typed = await history.context({
      maxTokens: budget,
      query: 'pool',
      relevance: (q, msgs) => Float64Array.from(relevance(q, msgs)),
      relevanceWeight: 0.8,
      summarize: false,
    })
    expect(typed.messages).toEqual(ctx.messages)

    const failing = await history.context({
      maxTokens: budget,
      query: 'pool',
      relevance: () => Promise.reject(new Error('embedding service down')),
      summarize: false,
    })
    expect(failing.report.relevanceError).toMatch(/embedding service down/)
    expect(failing.messages.at(-1)!.content).toBe('Is the pool heated?')
    await expect(history.context({ query: 'pool', relevance: () => [1, 2] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
  })

  it('refuses bad context options', async () => {
    const { history } = await setup()
    await expect(history.context({ maxTokens: -1 })).rejects.toThrow(/maxTokens/)
    await expect(history.context({ summarize: 'yes' as never })).rejects.toThrow(/summarize must be/)
    await expect(history.context({ summaryMaxTokens: 0 })).rejects.toThrow(/summaryMaxTokens/)
  })
})
