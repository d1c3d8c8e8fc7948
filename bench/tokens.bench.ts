// estimateTokens against the real tokenizers (gpt-tokenizer's o200k_base and cl100k_base) on the
// mixed corpus of test/message/token-corpus.ts: per category, estimate / real (the larger of the
// two counts) as min, median and max, and how many samples count below. Targets: never below,
// median at most 1.5x. Then speed: the estimate's throughput over the whole corpus as a ratio to
// each exact tokenizer's `countTokens` in the same run, and what plugging one in costs.
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base'
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base'
import { countMessageTokens, estimateTokens, type MessageInput } from '../src/index.js'
import { type TokenCategory, tokenCorpus } from '../test/message/token-corpus.js'
import { fmt, opsPerSec } from './lib/measure.js'

const corpus = tokenCorpus()
const byCategory = new Map<TokenCategory, number[]>()
let below = 0
for (const s of corpus) {
  const real = Math.max(o200k(s.text), cl100k(s.text))
  const estimate = estimateTokens(s.text)
  if (estimate < o200k(s.text) || estimate < cl100k(s.text)) below++
  const ratios = byCategory.get(s.category) ?? []
  ratios.push(estimate / real)
  byCategory.set(s.category, ratios)
}
console.log('category   samples   estimate / real tokens (max of o200k_base, cl100k_base)')
console.log('                      min    median  max')
let worstMedian = 0
for (const [category, ratios] of byCategory) {
  ratios.sort((a, b) => a - b)
  const median = ratios[ratios.length >> 1]!
  worstMedian = Math.max(worstMedian, median)
  console.log(
    `${category.padEnd(10)} ${String(ratios.length).padStart(7)}   ${ratios[0]!.toFixed(2)}x  ${median.toFixed(2)}x  ${ratios[ratios.length - 1]!.toFixed(2)}x`,
  )
}
console.log(
  `samples below either real count: ${below} of ${corpus.length} (target 0) ${below === 0 ? 'PASS' : 'MISS'}`,
)
console.log(
  `largest median: ${worstMedian.toFixed(2)}x (target <= 1.5x) ${worstMedian <= 1.5 ? 'PASS' : 'MISS'}`,
)

const texts = corpus.map((s) => s.text)
const chars = texts.reduce((n, t) => n + t.length, 0)
const run = (count: (t: string) => number) => () => {
  let n = 0
  for (const t of texts) n += count(t)
  return n
}
const estimate = await opsPerSec(run(estimateTokens), texts.length, { rounds: 9 })
const exactO = await opsPerSec(run(o200k), texts.length, { rounds: 9 })
const exactC = await opsPerSec(run(cl100k), texts.length, { rounds: 9 })
const mb = (ops: number) => ((ops * chars) / texts.length / 1e6).toFixed(1)
console.log(`estimateTokens          ${fmt(estimate).padStart(10)} texts/s (${mb(estimate)} M chars/s)`)
console.log(
  `o200k_base countTokens  ${fmt(exactO).padStart(10)} texts/s (${mb(exactO)} M chars/s): estimate = ${(estimate / exactO).toFixed(1)}x of it`,
)
console.log(
  `cl100k_base countTokens ${fmt(exactC).padStart(10)} texts/s (${mb(exactC)} M chars/s): estimate = ${(estimate / exactC).toFixed(1)}x of it`,
)

// What a budget pays per message: countMessageTokens with the estimate vs with o200k_base plugged in.
const messages: MessageInput[] = texts.map((t, i) => ({
  role: i % 2 === 0 ? 'user' : 'assistant',
  content: t,
}))
const perMessage = (tokenizer?: (t: string) => number) => () => {
  let n = 0
  for (const m of messages) n += countMessageTokens(m, tokenizer)
  return n
}
const withEstimate = await opsPerSec(perMessage(), messages.length, { rounds: 9 })
const withExact = await opsPerSec(perMessage(o200k), messages.length, { rounds: 9 })
console.log(
  `countMessageTokens: estimate ${(1e6 / withEstimate).toFixed(2)} µs/message, o200k_base ${(1e6 / withExact).toFixed(2)} µs/message (history caches each count, so a message is counted once)`,
)
