import type { AddressInfo } from 'node:net'
import { EventSourceParserStream } from 'eventsource-parser/stream'
import { afterEach, describe, expect, it } from 'vitest'
import { type ChatServerOptions, createChatServer } from '../../examples/chat-server.js'
import { standInStream } from '../../examples/chat-stream.js'
import { createSessionKit, type SessionKit } from '../../src/index.js'

const closers: (() => unknown)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function start(options: Omit<ChatServerOptions, 'kit'> = {}) {
  const kit = createSessionKit({ history: { maxMessages: 50 } })
  const server = createChatServer({ kit, secret: 'a test secret that is long enough, 32+ bytes', ...options })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () => new Promise((resolve) => server.close(resolve)),
    () => kit.close(),
  )
  return { kit, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** A real client of the SSE stream: fetch, and the events parsed by eventsource-parser as they come. */
async function* events(base: string, q: string, init: { sessionId?: string; signal?: AbortSignal } = {}) {
  const res = await fetch(`${base}/query/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ q, ...(init.sessionId === undefined ? {} : { sessionId: init.sessionId }) }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  })
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
  const reader = res
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    yield { event: value.event ?? 'message', data: JSON.parse(value.data) as Record<string, unknown> }
  }
}

async function history(kit: SessionKit, sessionId: string) {
  const s = await kit.get(sessionId, { trusted: true })
  return (await s!.history.list({ limit: 50 })).messages
}

/** Waits (bounded) until the server has stored `count` messages for the session. */
async function stored(kit: SessionKit, sessionId: string, count: number) {
  for (let i = 0; i < 200; i++) {
    const messages = await history(kit, sessionId)
    if (messages.length >= count) return messages
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`the server stored fewer than ${count} messages within 2 s`)
}

describe('streaming chat over Server-Sent Events', () => {
  it('streams the answer in deltas, then stores question and answer once and says done', async () => {
    const { kit, base } = await start({ streamResponder: standInStream(1) })
    const received: { event: string; data: Record<string, unknown> }[] = []
    for await (const e of events(base, 'Any 2BHK in Whitefield?')) received.push(e)
    const deltas = received.filter((e) => e.event === 'delta')
    expect(deltas.length).toBeGreaterThan(10)
    const done = received.at(-1)!
    expect(done.event).toBe('done')
    const text = deltas.map((e) => e.data.text).join('')
    const messages = await history(kit, done.data.sessionId as string)
    expect(messages.map((m) => [m.role, m.content, m.metadata])).toEqual([
      ['user', 'Any 2BHK in Whitefield?', undefined],
      ['assistant', text, undefined],
    ])
    expect(done.data.seq).toBe(1)
  })

  it('a client that aborts mid-stream: the partial answer is kept, marked interrupted, and the next turn sees it', async () => {
    const { kit, base } = await start({ streamResponder: standInStream(20) })
    const controller = new AbortController()
    let sessionId: string | undefined
    let seen = ''
    let deltas = 0
    // A first, complete turn: its done event names the session.
    const opening = events(base, 'Start a conversation')
    for await (const e of opening) if (e.event === 'done') sessionId = e.data.sessionId as string
    await expect(
      (async () => {
        for await (const e of events(base, 'Tell me everything', {
          sessionId: sessionId!,
          signal: controller.signal,
        })) {
          if (e.event !== 'delta') continue
          seen += e.data.text
          if (++deltas === 3) controller.abort()
        }
      })(),
    ).rejects.toThrow(/abort/i)
    const messages = await stored(kit, sessionId!, 4)
    const [question, partial] = messages.slice(2)
    expect(question).toMatchObject({ role: 'user', content: 'Tell me everything' })
    expect(partial?.role).toBe('assistant')
    expect(partial?.metadata).toEqual({ interrupted: true, reason: 'client-abort' })
    // What was stored is what the server had sent: at least what the client read, never the whole answer.
    expect(String(partial?.content).startsWith(seen)).toBe(true)
    expect(String(partial?.content)).not.toContain('word by word')

    const next: string[] = []
    for await (const e of events(base, 'Go on', { sessionId: sessionId! })) {
      if (e.event === 'delta') next.push(String(e.data.text))
    }
    expect(next.join('')).toContain('I can see 4 earlier message(s), 1 of them cut short.')
  })

  it('with keepInterrupted: false an aborted answer is dropped and the question kept alone', async () => {
    const { kit, base } = await start({ streamResponder: standInStream(20), keepInterrupted: false })
    let sessionId: string | undefined
    for await (const e of events(base, 'Hello'))
      if (e.event === 'done') sessionId = e.data.sessionId as string
    const controller = new AbortController()
    await expect(
      (async () => {
        for await (const e of events(base, 'More', { sessionId: sessionId!, signal: controller.signal })) {
          if (e.event === 'delta') controller.abort()
        }
      })(),
    ).rejects.toThrow(/abort/i)
    const messages = await stored(kit, sessionId!, 3)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await history(kit, sessionId!)).map((m) => m.role)).toEqual(['user', 'assistant', 'user'])
    expect(messages[2]?.content).toBe('More')
  })
})
