import { expect, it } from 'vitest'
import type { HistoryOptionsInput, MessageInput } from '../../src/index.js'
import { forEachStore } from '../helpers/stores.js'
import { IDLE_MS, makeHistory, T0 } from './scope.js'

const u = (content: string): MessageInput => ({ role: 'user', content })
const a = (content: string): MessageInput => ({ role: 'assistant', content })

forEachStore((fixture) => {
  const setup = (history?: HistoryOptionsInput) => makeHistory(fixture, history)

  it('appends in order with seq, id and createdAt from the store and the clock', async () => {
    const { history, clock } = await setup()
    const first = await history.append(u('Any 2BHK in Whitefield?'))
    clock.advance(5_000)
    const second = await history.append(a('Three, from 80 lakh.'), u('Show me the cheapest'))
    expect(first.messages[0]).toMatchObject({
      seq: 1,
      createdAt: T0,
      role: 'user',
      content: 'Any 2BHK in Whitefield?',
    })
    expect(second.messages.map((m) => [m.seq, m.createdAt])).toEqual([
      [2, T0 + 5_000],
      [3, T0 + 5_000],
    ])
    const ids = [...first.messages, ...second.messages].map((m) => m.id)
    expect(new Set(ids).size).toBe(3)
    const page = await history.list()
    expect(page.messages).toEqual([...first.messages, ...second.messages])
    expect(page).toMatchObject({ total: 3, lastSeq: 3, nextBefore: undefined, nextAfter: undefined })
  })

  it('stores 1,000 concurrent appends, each once, with consecutive seqs', async () => {
    const { history } = await setup({ maxMessages: 2_000 })
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) => history.append(u(`message ${i}`))),
    )
    const seqs = results.map((r) => r.messages[0]!.seq).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1))
    const stored: string[] = []
    for (let before: number | undefined; ; ) {
      const page = await history.list({ limit: 1_000, ...(before === undefined ? {} : { before }) })
      stored.unshift(...page.messages.map((m) => m.content as string))
      if (page.nextBefore === undefined) break
      before = page.nextBefore
    }
    expect(stored).toHaveLength(1_000)
    expect(new Set(stored).size).toBe(1_000)
    const all = await history.list({ limit: 1_000 })
    expect(all.messages.map((m) => m.seq)).toEqual(seqs)
    for (const r of results)
      expect(all.messages.find((m) => m.seq === r.messages[0]!.seq)!.content).toBe(r.messages[0]!.content)
  })

  it('adds nothing on a retry with the same idempotency key and returns the first messages', async () => {
    const { history } = await setup()
    const first = await history.append(u('Book a visit'), a('Saturday 11:00?'), { idempotencyKey: 'req-42' })
    const retry = await history.append(u('Book a visit'), a('Saturday 11:00?'), { idempotencyKey: 'req-42' })
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => history.append(u('Yes'), { idempotencyKey: 'req-43' })),
    )
    expect(retry.duplicate).toBe(true)
    expect(retry.messages).toEqual(first.messages)
    expect(concurrent.filter((r) => !r.duplicate)).toHaveLength(1)
    expect((await history.list()).messages.map((m) => m.content)).toEqual([
      'Book a visit',
      'Saturday 11:00?',
      'Yes',
    ])
  })

  it('validates every message before storing any', async () => {
    const { history } = await setup({ maxMessageBytes: 1_024 })
    await history.append(u('kept'))
    await expect(history.append(u('fine'), { role: 'robot', content: 'x' } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/message 2\.role/),
    })
    await expect(history.append(u('fine'), u('x'.repeat(5_000)))).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    })
    await expect(history.append()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(history.append(u('x'), { idempotencyKey: '' })).rejects.toThrow(/idempotencyKey/)
    await expect(history.append(u('x'), { content: 'no role' } as never)).rejects.toThrow(/needs a role/)
    await expect(history.append([u('x')] as never)).rejects.toThrow(/append\(\.\.\.messages, options\)/)
    expect((await history.list()).messages.map((m) => m.content)).toEqual(['kept'])
  })

  it('caps the log at maxMessages and counts what fell off', async () => {
    const { history } = await setup({ maxMessages: 5 })
    for (let i = 1; i <= 4; i++) await history.append(u(`q${i}`))
    const r = await history.append(u('q5'), u('q6'), u('q7'))
    expect(r).toMatchObject({ dropped: 2, length: 5 })
    await expect(history.append(...Array.from({ length: 6 }, () => u('x')))).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
    })
    const page = await history.list()
    expect(page.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6, 7])
    const ctx = await history.context()
    expect(ctx.report.fellOff).toBe(2)
  })

  it('pages by seq with before and after cursors', async () => {
    const { history } = await setup()
    for (let i = 1; i <= 10; i++) await history.append(u(`m${i}`))
    const newest = await history.list({ limit: 4 })
    expect(newest.messages.map((m) => m.seq)).toEqual([7, 8, 9, 10])
    expect(newest).toMatchObject({ nextBefore: 7, nextAfter: undefined })
    const older = await history.list({ limit: 4, before: newest.nextBefore! })
    expect(older.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6])
    const oldest = await history.list({ limit: 4, before: older.nextBefore! })
    expect(oldest.messages.map((m) => m.seq)).toEqual([1, 2])
    expect(oldest.nextBefore).toBeUndefined()
    const forward = await history.list({ limit: 3, after: 2 })
    expect(forward.messages.map((m) => m.seq)).toEqual([3, 4, 5])
    expect(forward.nextAfter).toBe(5)
    expect((await history.list({ after: 3, before: 6 })).messages.map((m) => m.seq)).toEqual([4, 5])
    await expect(history.list({ limit: 0 })).rejects.toThrow(/limit must be an integer from 1 to 1000/)
    await expect(history.list({ before: -1 })).rejects.toThrow(/before must be a seq/)
  })

  it('clear() removes messages and summary while seqs keep counting', async () => {
    const { history } = await setup({ summarize: 'extractive', maxMessages: 4 })
    for (let i = 1; i <= 6; i++) await history.append(u(`q${i}`))
    expect(await history.summary()).toBeDefined()
    await history.clear()
    expect((await history.list()).messages).toEqual([])
    expect(await history.summary()).toBeUndefined()
    const next = await history.append(u('fresh start'))
    expect(next.messages[0]!.seq).toBe(7)
    const ctx = await history.context({ maxTokens: 1_000 })
    expect(ctx.messages.map((m) => m.content)).toEqual(['fresh start'])
    expect(ctx.summary).toBeUndefined()
    expect(ctx.report.fellOff).toBe(0)
  })

  it('history expires ttlMs after its last append while the session lives on', async () => {
    const { history, clock, store, scope } = await setup({ ttlMs: 2 * 3_600_000 })
    // Time passes in steps shorter than the idle expiry, the session kept alive by touches.
    const pass = async (ms: number) => {
      for (let left = ms; left > 0; left -= 10 * 60_000) {
        clock.advance(Math.min(left, 10 * 60_000))
        await store.touch(scope.sessionId, clock.now() + IDLE_MS)
      }
    }
    await history.append(u('hello'))
    await pass(3_600_000)
    await history.append(a('hi'))
    await pass(2 * 3_600_000 - 1)
    expect((await history.list()).messages).toHaveLength(2)
    await pass(1)
    expect((await history.list()).messages).toEqual([])
    expect(await store.meta(scope.sessionId)).toBeDefined()
  })

  it('every append counts as session activity', async () => {
    const { history, clock, store, scope } = await setup()
    clock.advance(IDLE_MS - 1_000)
    await history.append(u('still here'))
    clock.advance(IDLE_MS - 1_000)
    expect(await store.meta(scope.sessionId)).toBeDefined()
  })

  it('writes to an ended session fail with NOT_FOUND and store nothing', async () => {
    const { history, store, scope } = await setup()
    await store.delete(scope.sessionId)
    await expect(history.append(u('hello?'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await history.list()).messages).toEqual([])
  })

  it('stats() counts roles, times, tokens and topics', async () => {
    const { history, clock } = await setup()
    await history.append(u('What smartphones do you have with a good camera?'))
    clock.advance(5_000)
    await history.append(a('Three smartphones: each camera is 48 MP.'), u('Which smartphone is cheapest?'))
    const stats = await history.stats({ topTopics: 2 })
    expect(stats).toMatchObject({
      messages: 3,
      byRole: { system: 0, user: 2, assistant: 1, tool: 0 },
      firstAt: T0,
      lastAt: T0 + 5_000,
      durationMs: 5_000,
    })
    expect(stats.topTopics).toEqual([
      { word: 'camera', count: 2 },
      { word: 'smartphones', count: 2 },
    ])
    expect(stats.estimatedTokens).toBeGreaterThan(20)
  })
})
