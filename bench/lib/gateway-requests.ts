// The gateway requests the detection benchmarks replay: a system prompt with a timestamp, then
// alternating user and assistant messages of fixed length, through JSON as a gateway receives them.
import type { ChatMessage } from '../../src/detect/index.js'
import { rng } from '../../test/helpers/rng.js'

const WORDS =
  'the a session gateway reply model token request user order price stock search flight hotel weather'.split(
    ' ',
  )

/** One conversation's messages up to its last request, and its tenant. */
export interface Conversation {
  readonly messages: ChatMessage[]
  readonly tenant: string
}

// Conversation i: a system prompt with a timestamp, then `turns` alternating user and assistant messages.
function conversationMessages(i: number, turns: number, chars: number): ChatMessage[] {
  const r = rng(i + 1)
  const text = (n: number) => {
    let s = ''
    while (s.length < n) s += `${WORDS[Math.floor(r() * WORDS.length)]} `
    return `${s.slice(0, n - 1)}.`
  }
  const stamp = new Date(Date.UTC(2026, 0, 1 + (i % 28), 10, i % 60)).toISOString()
  const messages: ChatMessage[] = [
    { role: 'system', content: `You are helpful. Now: ${stamp}. ${text(chars - 48)}` },
  ]
  for (let t = 0; t < turns; t++)
    messages.push({ role: t % 2 === 0 ? 'user' : 'assistant', content: text(chars) })
  return messages
}

/** `count` conversations from number `from` on, of `turns` messages of `chars` characters, 10 tenants. */
export function conversations(count: number, { from = 0, turns = 19, chars = 400 } = {}): Conversation[] {
  return JSON.parse(
    JSON.stringify(
      Array.from({ length: count }, (_, i) => ({
        messages: conversationMessages(from + i, turns, chars),
        tenant: `t${(from + i) % 10}`,
      })),
    ),
  )
}
