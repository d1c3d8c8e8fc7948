// detect() on a 20-message conversation (a system prompt and 19 turns of 400 characters, the
// previous reply bound) against raw crypto.hash('sha256') of the same text, in the same run.
import * as crypto from 'node:crypto'
import type { ChatMessage, Detector } from '../src/detect/index.js'
import { createDetector } from '../src/detect/index.js'

const CONVERSATIONS = 2_000
const CHARS = 400
const ROUNDS = 9

// A deterministic stream of words, so every run hashes the same text.
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const words =
  'the a session gateway reply model token request user order price stock search flight hotel weather code review test build deploy cache index query answer'.split(
    ' ',
  )
function text(r: () => number, chars: number): string {
  let s = ''
  while (s.length < chars) s += `${words[Math.floor(r() * words.length)]} `
  return s.slice(0, chars - 1) + '.'
}

interface Conversation {
  readonly messages: ChatMessage[]
  readonly tenant: string
}
function conversation(i: number): Conversation {
  const r = rng(i + 1)
  const system = `You are a helpful assistant. Current time: 2026-01-0${1 + (i % 9)}T10:${10 + (i % 50)}:00Z. ${text(r, CHARS - 70)}`
  const messages: ChatMessage[] = [{ role: 'system', content: system.slice(0, CHARS) }]
  for (let t = 0; t < 19; t++)
    messages.push({ role: t % 2 === 0 ? 'user' : 'assistant', content: text(r, CHARS) })
  return { messages, tenant: `t${i % 10}` }
}

// Plays the conversation up to its last request as a gateway does (detect, then bindReply).
function prime(detector: Detector, c: Conversation): void {
  for (let end = 2; end < c.messages.length; end += 2) {
    const d = detector.detect({ messages: c.messages.slice(0, end), tenant: c.tenant })
    detector.bindReply(d, c.messages[end]!)
  }
}

// Through JSON, as a gateway receives them (flat strings, fresh objects).
const conversations: Conversation[] = JSON.parse(
  JSON.stringify(Array.from({ length: CONVERSATIONS }, (_, i) => conversation(i))),
)
const raw = conversations.map((c) => c.messages.map((m) => m.content as string).join(''))
const bytes = raw[0]!.length

function timeDetect(): number {
  const detector = createDetector({ maxSessions: CONVERSATIONS * 2 })
  for (const c of conversations) prime(detector, c)
  const start = process.hrtime.bigint()
  for (const c of conversations) detector.detect({ messages: c.messages, tenant: c.tenant })
  return Number(process.hrtime.bigint() - start) / CONVERSATIONS
}
function timeRaw(): number {
  let sink = 0
  const start = process.hrtime.bigint()
  for (const s of raw) sink += crypto.hash('sha256', s, 'binary').length
  const ns = Number(process.hrtime.bigint() - start) / CONVERSATIONS
  if (sink === 0) throw new Error('unreachable')
  return ns
}

const detectNs: number[] = []
const rawNs: number[] = []
for (let r = 0; r < ROUNDS; r++) {
  detectNs.push(timeDetect())
  rawNs.push(timeRaw())
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ours = median(detectNs.slice(1))
const base = median(rawNs.slice(1))
const ratio = base / ours
console.log(
  `request: 20 messages, ${bytes.toLocaleString('en-US')} characters; ${CONVERSATIONS} conversations, median of ${ROUNDS - 1} rounds`,
)
console.log(`detect() continuation          ${(ours / 1000).toFixed(2)} us/request`)
console.log(`raw crypto.hash sha256         ${(base / 1000).toFixed(2)} us/request`)
console.log(
  `detect() vs raw sha256 of the same text = ${ratio.toFixed(2)}x (target >= 0.5x) ${ratio >= 0.5 ? 'PASS' : 'MISS'}`,
)
