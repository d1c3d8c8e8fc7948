// history.context({ maxTokens: 3000 }) on the memory store at 1,000 and 10,000 stored messages
// (questions, answers and every tenth turn a tool call with two results). Target: linear growth,
// the time at 10,000 at most 12x the time at 1,000. For information, each is also printed as a
// ratio to a raw baseline in the same run: a loop over a plain array from the newest back,
// adding chars/4 until the budget is full (no units, no store, no pinning).
import { createManualClock } from '../src/clock.js'
import type { MessageInput } from '../src/index.js'
import { createSessionKit } from '../src/kit.js'
import { createMemoryStore } from '../src/store/memory.js'
import { fmt, opsPerSec } from './lib/measure.js'

const BUDGET = 3_000
const IDLE_MS = 30 * 60_000
const clock = createManualClock(Date.parse('2026-01-01'))
const kit = createSessionKit({
  store: createMemoryStore({ clock, sweepIntervalMs: 0 }),
  ttl: { idleMs: IDLE_MS },
  history: { maxMessages: 10_000 },
})

function turn(i: number): MessageInput[] {
  const q: MessageInput = {
    role: 'user',
    content: `Question ${i}: is flat ${i} in Whitefield still free, and what is the price?`,
  }
  const answer: MessageInput = {
    role: 'assistant',
    content: `Flat ${i} is free; it costs ${80 + (i % 40)} lakh with covered parking.`,
  }
  if (i % 10 !== 0) return [q, answer]
  const calls: MessageInput = {
    role: 'assistant',
    content: '',
    toolCalls: [
      { id: `c${i}a`, name: 'find_listing', arguments: { flat: i } },
      { id: `c${i}b`, name: 'price_history', arguments: { flat: i } },
    ],
  }
  const r1: MessageInput = { role: 'tool', toolCallId: `c${i}a`, content: `{"flat":${i},"free":true}` }
  const r2: MessageInput = { role: 'tool', toolCallId: `c${i}b`, content: '[78, 80, 82]' }
  return [q, calls, r1, r2, answer]
}

async function sessionWith(count: number) {
  const { history } = await kit.create()
  const all: MessageInput[] = [{ role: 'system', content: 'You sell flats in Bengaluru.' }]
  for (let i = 1; all.length < count; i++) all.push(...turn(i))
  all.length = count
  for (let i = 0; i < count; i += 500) await history.append(...all.slice(i, i + 500))
  return { history, all }
}

function rawSelect(all: readonly MessageInput[]): number {
  let used = 0
  let n = 0
  for (let i = all.length - 1; i >= 0; i--) {
    const c = all[i]!.content
    const t = 4 + Math.ceil((typeof c === 'string' ? c.length : 0) / 4)
    if (used + t > BUDGET) break
    used += t
    n++
  }
  return n
}

const results: { size: number; ours: number; raw: number; kept: number }[] = []
for (const size of [1_000, 10_000]) {
  const { history, all } = await sessionWith(size)
  const check = await history.context({ maxTokens: BUDGET })
  if (check.tokens > BUDGET || check.messages.length === 0)
    throw new Error(`bad context at ${size}: ${check.tokens} tokens`)
  const ours = await opsPerSec(() => history.context({ maxTokens: BUDGET }), 1, { rounds: 9, minMs: 300 })
  const raw = await opsPerSec(() => rawSelect(all), 1, { rounds: 9, minMs: 300 })
  results.push({ size, ours, raw, kept: check.messages.length })
}
for (const r of results) {
  console.log(
    `context({ maxTokens: ${BUDGET} }) at ${fmt(r.size).padStart(6)} messages: ${(1e6 / r.ours).toFixed(1).padStart(8)} µs/call, ${r.kept} kept (raw array loop ${(1e6 / r.raw).toFixed(1)} µs/call, ours = ${(r.ours / r.raw).toFixed(3)}x of raw)`,
  )
}
const growth = results[0]!.ours / results[1]!.ours
console.log(
  `time at 10,000 / time at 1,000 = ${growth.toFixed(2)}x (target <= 12x) ${growth <= 12 ? 'PASS' : 'MISS'}`,
)
await kit.close()
