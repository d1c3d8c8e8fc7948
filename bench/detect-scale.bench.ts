// Lookup time at 100,000 live sessions against 1,000 (the index is hash tables: it must not grow
// with the sessions), and the memory a typical session costs (5 turns played with bindReply): the
// JS heap and the typed arrays (session records, key rings, the key index) outside it.
import { type ChatMessage, createDetector, type Detector } from '../src/detect/index.js'
import { rng } from '../test/helpers/rng.js'
import { heapUsed } from './lib/measure.js'

const WORDS =
  'order price stock flight hotel weather code review test build deploy cache index query answer'.split(' ')
const CONTINUATIONS = 8 * 1_024

function text(r: () => number, chars: number): string {
  let s = ''
  while (s.length < chars) s += `${WORDS[Math.floor(r() * WORDS.length)]} `
  return s.slice(0, chars)
}

// Conversation i with `turns` user turns; replies are unique, as an upstream's are.
function conversation(i: number, turns: number): ChatMessage[] {
  const r = rng(i + 11)
  const m: ChatMessage[] = [{ role: 'system', content: 'You are the shop assistant. Be brief.' }]
  for (let t = 0; t < turns; t++) {
    m.push({ role: 'user', content: `${text(r, 120)} #${i}.${t}` })
    m.push({ role: 'assistant', content: `${text(r, 300)} ref ${i}.${t}` })
  }
  return m
}

// Plays `turns` turns of conversation i as a gateway does: detect each request, bind its answer.
function play(detector: Detector, i: number, turns: number, tenant: string): void {
  const m = conversation(i, turns)
  for (let end = 2; end < m.length; end += 2) {
    const d = detector.detect({ messages: m.slice(0, end), tenant })
    detector.bindReply(d, m[end]!)
  }
}

// Heap and array buffers after a full collection (needs --expose-gc, which bench/run.mjs passes).
function memoryUsed(): { heap: number; arrays: number } {
  const heap = heapUsed()
  return { heap, arrays: process.memoryUsage().arrayBuffers }
}

// Fills a detector with `live` sessions, then times continuations of random sessions.
function lookupAt(live: number): { lookupUs: number; detectUs: number } {
  const detector = createDetector({ maxSessions: live, idleMs: 24 * 3_600_000 })
  for (let i = 0; i < live; i++) play(detector, i, 2, `tenant-${i % 16}`)
  const r = rng(live)
  const requests = Array.from({ length: CONTINUATIONS }, (_, k) => {
    const i = Math.floor(r() * live)
    const m = conversation(i, 2)
    return { messages: [...m, { role: 'user', content: `and then? ${k}` }], tenant: `tenant-${i % 16}` }
  })
  // Eight batches, median batch: one garbage collection of the big heap does not decide the figure.
  const batches: number[] = []
  for (let b = 0; b < 8; b++) {
    const start = process.cpuUsage()
    for (let k = b * 1_024; k < (b + 1) * 1_024; k++) detector.detect(requests[k]!)
    const used = process.cpuUsage(start)
    batches.push((used.user + used.system) / 1_024)
  }
  batches.sort((a, b) => a - b)
  return { lookupUs: detector.stats().lookupMs.p50 * 1000, detectUs: batches[4]! }
}

// A warm-up run first (the JIT), then each size twice, keeping the better run (a busy machine).
lookupAt(1_000)
const better = (a: ReturnType<typeof lookupAt>, b: ReturnType<typeof lookupAt>) =>
  a.lookupUs <= b.lookupUs ? a : b
const small = better(lookupAt(1_000), lookupAt(1_000))
const large = better(lookupAt(100_000), lookupAt(100_000))
console.log(
  `lookup (placement) p50 at   1,000 live sessions: ${small.lookupUs.toFixed(2)} us; detect() ${small.detectUs.toFixed(2)} us`,
)
console.log(
  `lookup (placement) p50 at 100,000 live sessions: ${large.lookupUs.toFixed(2)} us; detect() ${large.detectUs.toFixed(2)} us`,
)
const lookupRatio = large.lookupUs / small.lookupUs
console.log(
  `lookup time at 100,000 vs 1,000 sessions = ${lookupRatio.toFixed(2)}x (target <= 1.5x) ${lookupRatio <= 1.5 ? 'PASS' : 'MISS'}`,
)
console.log(
  `detect() at 100,000 vs 1,000 sessions = ${(large.detectUs / small.detectUs).toFixed(2)}x (for reference)`,
)

// Memory per typical session: 5 turns, system prompt, replies bound.
const SESSIONS = 20_000
const before = memoryUsed()
const detector = createDetector({ maxSessions: SESSIONS })
for (let i = 0; i < SESSIONS; i++) play(detector, 1_000_000 + i, 5, `tenant-${i % 16}`)
const after = memoryUsed()
const heap = (after.heap - before.heap) / SESSIONS
const arrays = (after.arrays - before.arrays) / SESSIONS
const perSession = heap + arrays
const m = detector.stats()
console.log(
  `memory per typical session (5 turns, 10 messages, replies bound; ${m.indexKeys.toLocaleString('en-US')} keys for ${m.active.toLocaleString('en-US')} sessions): ${Math.round(perSession).toLocaleString('en-US')} bytes = ${Math.round(heap).toLocaleString('en-US')} heap + ${Math.round(arrays).toLocaleString('en-US')} typed arrays (target <= 2,048) ${perSession <= 2048 ? 'PASS' : 'MISS'}`,
)
