// detect() on a gateway's 20-message request (a system prompt with a timestamp and 19 turns of 400
// characters, the previous reply bound) against raw crypto.hash('sha256') of the same text in the
// same run. Times are CPU time (process.cpuUsage), median of rounds, so a busy machine skews less.
import * as crypto from 'node:crypto'
import { type ChatMessage, createDetector, type Detector } from '../src/detect/index.js'
import { rng } from '../test/helpers/rng.js'

const CONVERSATIONS = 2_000
const ROUNDS = 9

const WORDS =
  'the a session gateway reply model token request user order price stock search flight hotel weather'.split(
    ' ',
  )

// A system prompt with a timestamp, then `turns` alternating user and assistant messages.
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

interface Conversation {
  readonly messages: ChatMessage[]
  readonly tenant: string
}

// Through JSON, as a gateway receives them: flat strings, fresh objects.
const conversations: Conversation[] = JSON.parse(
  JSON.stringify(
    Array.from({ length: CONVERSATIONS }, (_, i) => ({
      messages: conversationMessages(i, 19, 400),
      tenant: `t${i % 10}`,
    })),
  ),
)
const texts = conversations.map((c) => c.messages.map((m) => m.content as string))
const joined = texts.map((t) => t.join(''))

// Plays each conversation up to its last request as a gateway does (detect, then bindReply).
function primed(): Detector {
  const detector = createDetector({ maxSessions: CONVERSATIONS * 2 })
  for (const c of conversations) {
    for (let end = 2; end < c.messages.length; end += 2) {
      const d = detector.detect({ messages: c.messages.slice(0, end), tenant: c.tenant })
      detector.bindReply(d, c.messages[end]!)
    }
  }
  return detector
}

function cpuNs(body: () => void): number {
  const start = process.cpuUsage()
  body()
  const used = process.cpuUsage(start)
  return ((used.user + used.system) * 1000) / CONVERSATIONS
}

const detectNs: number[] = []
const oneShotNs: number[] = []
const perMessageNs: number[] = []
const fromRequestNs: number[] = []
let sink = 0
for (let r = 0; r < ROUNDS; r++) {
  const detector = primed()
  detectNs.push(
    cpuNs(() => {
      for (const c of conversations) detector.detect({ messages: c.messages, tenant: c.tenant })
    }),
  )
  oneShotNs.push(
    cpuNs(() => {
      for (const s of joined) sink += crypto.hash('sha256', s, 'binary').length
    }),
  )
  // The same bytes read from the request as a gateway holds it (the message objects), joined and
  // hashed in one call: what a tracker that hashes the whole history does per request.
  fromRequestNs.push(
    cpuNs(() => {
      for (const c of conversations) {
        let text = ''
        for (const m of c.messages) text += m.content as string
        sink += crypto.hash('sha256', text, 'binary').length
      }
    }),
  )
  perMessageNs.push(
    cpuNs(() => {
      for (const t of texts) for (const s of t) sink += crypto.hash('sha256', s, 'binary').length
    }),
  )
}
if (sink === 0) throw new Error('unreachable')
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ours = median(detectNs.slice(1))
const oneShot = median(oneShotNs.slice(1))
const perMessage = median(perMessageNs.slice(1))
const fromRequest = median(fromRequestNs.slice(1))
const us = (ns: number) => `${(ns / 1000).toFixed(2)} us`
console.log(
  `request: 20 messages, ${joined[0]!.length.toLocaleString('en-US')} characters; ${CONVERSATIONS} conversations; median of ${ROUNDS - 1} rounds`,
)
console.log(`detect(), a turn after bindReply          ${us(ours)}`)
console.log(`raw crypto.hash, the text as one string    ${us(oneShot)}`)
console.log(`raw crypto.hash, one call per message      ${us(perMessage)}`)
console.log(`raw crypto.hash, read from the request     ${us(fromRequest)}`)
const ratio = oneShot / ours
console.log(
  `detect() vs raw sha256 of the same text (one call) = ${ratio.toFixed(2)}x (target >= 0.5x) ${ratio >= 0.5 ? 'PASS' : 'MISS'}`,
)
console.log(
  `detect() vs raw sha256 of the request's bytes, read and joined (one call) = ${(fromRequest / ours).toFixed(2)}x (for reference)`,
)
console.log(
  `detect() vs raw sha256 of each message (20 calls) = ${(perMessage / ours).toFixed(2)}x (for reference)`,
)
