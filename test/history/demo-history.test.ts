import { expect, it } from 'vitest'
import { demoHistory } from '../../examples/demo-history.js'

it('the history demo runs and shows retries, budgets, summaries and formats', async () => {
  const lines: string[] = []
  await demoHistory((line) => lines.push(line))
  const text = lines.join('\n')
  expect(text).toMatch(/duplicate=true/)
  expect(text).toMatch(/stored 12 of \d+ messages \(cap 12\)/)
  expect(text).toMatch(/tool calls and results paired: true/)
  expect(text).toMatch(
    /with a failing summariser: extractive summary, error "the summarizer failed: model unavailable"/,
  )
  expect(text).toMatch(
    /what fell off the cap is summarised \(seq 1-\d+\): The buyer asked: Any 2BHK in Whitefield;/,
  )
  expect(text).toMatch(
    /chat completions format: \d+ messages; Messages API format: system of \d+ chars \+ \d+ turns/,
  )
  expect(text).toMatch(/history untouched: 12 messages/)
})
