// detect() on a gateway's 20-message request (a system prompt with a timestamp and 19 turns of 400
// characters, the previous reply bound) against raw crypto.hash('sha256') of the same text in the
// same run: the text joined as one string before timing (the target's baseline), and, for
// reference, the raw ways that read the bytes from the request's message objects inside the timed
// loop. Times are CPU time (process.cpuUsage), median of rounds, so a busy machine skews less.
import * as crypto from 'node:crypto'
import { type ChatMessage, createDetector, type Detector } from '../src/detect/index.js'
import { type Conversation, conversations } from './lib/gateway-requests.js'

const CONVERSATIONS = 2_000
const ROUNDS = 9

const all = conversations(CONVERSATIONS)
const joined = all.map((c) => c.messages.map((m) => m.content as string).join(''))
// Requests of the same shape whose prefixes no detector has seen (another replica's conversations,
// a restart): nothing matches, so every probe key and reply fingerprint is computed.
const unseen: Conversation[] = conversations(CONVERSATIONS, { from: CONVERSATIONS })

// Plays each conversation up to its last request as a gateway does (detect, then bindReply).
function primed(): Detector {
  const detector = createDetector({ maxSessions: CONVERSATIONS * 2 })
  for (const c of all) {
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

// The raw ways to hash a request's bytes, each starting from the request as detect() gets it (the
// message objects): no framing, no canonical form, no chain, no index. The reference line uses the
// fastest of them in each run.
let scratch = Buffer.allocUnsafe(64 * 1024)
const rawWays: Record<string, (messages: readonly ChatMessage[]) => number> = {
  'read with +=, one crypto.hash call': (messages) => {
    let text = ''
    for (const m of messages) text += m.content as string
    return crypto.hash('sha256', text, 'binary').length
  },
  'read with Array.join, one crypto.hash call': (messages) =>
    crypto.hash('sha256', messages.map((m) => m.content as string).join(''), 'binary').length,
  'written into one reused buffer, one crypto.hash call': (messages) => {
    let at = 0
    for (const m of messages) {
      const text = m.content as string
      if (scratch.length - at < text.length * 3) {
        const bigger = Buffer.allocUnsafe(2 * (at + text.length * 3))
        scratch.copy(bigger, 0, 0, at)
        scratch = bigger
      }
      at += scratch.write(text, at)
    }
    return crypto.hash('sha256', scratch.subarray(0, at), 'binary').length
  },
  'one createHash, one update per message': (messages) => {
    const h = crypto.createHash('sha256')
    for (const m of messages) h.update(m.content as string)
    return h.digest('binary').length
  },
  'one crypto.hash call per message': (messages) => {
    let n = 0
    for (const m of messages) n += crypto.hash('sha256', m.content as string, 'binary').length
    return n
  },
}

// The least any chained-prefix detector with bindReply does on node:crypto, and nothing else: read
// the request's texts and join them, stream them through one SHA-256, copy the state before the last
// message and after it (the key a turn after bindReply is found at, and the state bindReply extends),
// and digest the two keys. No framing, canonical form, validation, system prompt or index.
function bareChain(messages: readonly ChatMessage[]): number {
  const parts: string[] = []
  for (let i = 0; i < messages.length - 1; i++) parts.push(messages[i]!.content as string)
  const h = crypto.createHash('sha256').update(parts.join(''))
  const beforeLast = h.copy()
  h.update(messages[messages.length - 1]!.content as string)
  // Kept undigested, as the state bindReply extends by the reply.
  const forBind = h.copy()
  return h.digest('binary').length + beforeLast.digest('binary').length + (forBind === undefined ? 0 : 1)
}

const detectNs: number[] = []
const unseenNs: number[] = []
const bareNs: number[] = []
const prebuiltNs: number[] = []
const rawNs = new Map<string, number[]>(Object.keys(rawWays).map((k) => [k, []]))
let sink = 0
// One primed detector per round, all made before any timing: a detector dropped between rounds
// would be garbage collected inside a later timed section.
const detectors = Array.from({ length: ROUNDS }, primed)
for (let r = 0; r < ROUNDS; r++) {
  const detector = detectors[r]!
  detectNs.push(
    cpuNs(() => {
      for (const c of all) detector.detect({ messages: c.messages, tenant: c.tenant })
    }),
  )
  unseenNs.push(
    cpuNs(() => {
      for (const c of unseen) detector.detect({ messages: c.messages, tenant: c.tenant })
    }),
  )
  bareNs.push(
    cpuNs(() => {
      for (const c of all) sink += bareChain(c.messages)
    }),
  )
  for (const [name, way] of Object.entries(rawWays)) {
    rawNs.get(name)!.push(
      cpuNs(() => {
        for (const c of all) sink += way(c.messages)
      }),
    )
  }
  // The text joined before the timer starts: the hash alone, without reading the request.
  prebuiltNs.push(
    cpuNs(() => {
      for (const s of joined) sink += crypto.hash('sha256', s, 'binary').length
    }),
  )
}
if (sink === 0) throw new Error('unreachable')
// Round 0 warms the JIT up and is left out.
const median = (xs: number[]) => [...xs.slice(1)].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!
const ours = median(detectNs)
const bare = median(bareNs)
const prebuilt = median(prebuiltNs)
const raw = [...rawNs].map(([name, xs]) => ({ name, ns: median(xs) })).sort((a, b) => a.ns - b.ns)
const us = (ns: number) => `${(ns / 1000).toFixed(2)} us`
console.log(
  `request: 20 messages, ${joined[0]!.length.toLocaleString('en-US')} characters; ${CONVERSATIONS} conversations; median of ${ROUNDS - 1} rounds`,
)
console.log(`${'detect(), a turn after bindReply'.padEnd(60)}${us(ours)}`)
console.log(`${'raw sha256 of the text joined as one string before timing'.padEnd(60)}${us(prebuilt)}`)
console.log("raw sha256 of the request's bytes, read from its messages inside the timed loop:")
for (const w of raw) console.log(`  ${w.name.padEnd(58)}${us(w.ns)}`)
console.log(`${'the bare chain alone (a floor, see bareChain)'.padEnd(60)}${us(bare)}`)
console.log(
  `${'detect(), a request whose prefix was never seen (fragmented)'.padEnd(60)}${us(median(unseenNs))}`,
)
const line = (text: string, ratio: number, target: string, pass: boolean) =>
  console.log(`${text} = ${ratio.toFixed(2)}x (target ${target}) ${pass ? 'PASS' : 'MISS'}`)
const vsRaw = raw[0]!.ns / ours
line(
  `detect() vs the fastest raw sha256 that reads the request (${raw[0]!.name})`,
  vsRaw,
  '>= 0.45x',
  vsRaw >= 0.45,
)
const vsBare = ours / bare
line('detect() time vs the bare chain alone (join, stream, copy, digest)', vsBare, '<= 1.6x', vsBare <= 1.6)
const unseenRatio = median(unseenNs) / ours
line(
  'a never-seen request vs a continued turn of the same length, time',
  unseenRatio,
  '<= 2x',
  unseenRatio <= 2,
)
console.log(
  `for reference: detect() vs raw sha256 of the same text joined as one string before timing = ${(prebuilt / ours).toFixed(2)}x; the bare chain alone vs that call = ${(prebuilt / bare).toFixed(2)}x`,
)
