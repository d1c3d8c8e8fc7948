import {
  checkToolPairs,
  createManualClock,
  createMemoryStore,
  createSessionKit,
  estimateTokens,
  type MessageInput,
  type Summarizer,
  toAnthropicMessages,
  toOpenAIMessages,
} from '../src/index.js'

const SYSTEM = 'You are a property sales assistant in Bengaluru.'

/** Walks through conversation history: appends, retries, tool calls, a token-budget context, summaries, formats, stats. */
export async function demoHistory(log: (line: string) => void): Promise<void> {
  const clock = createManualClock(Date.parse('2026-01-01T10:00:00Z'))
  // A stand-in summariser: a real one asks a model to extend the previous summary with the new messages.
  const summarize: Summarizer = (messages, previous) => {
    const asked = messages.filter((m) => m.role === 'user').map((m) => String(m.content).replace(/\?$/, ''))
    return `${previous ?? 'The buyer asked:'} ${asked.join('; ')};`
  }
  const kit = createSessionKit({
    store: createMemoryStore({ clock }),
    history: { maxMessages: 12, summarize },
    // Warnings (a failed summariser below) go to your logger; without this, process.emitWarning.
    onWarning: (warning) => log(`  warning ${warning.code}: ${warning.message}`),
  })
  const session = await kit.create({ userId: 'ravi' })
  const history = session.history

  const turn = async (q: string, a: string, key: string) => {
    clock.advance(30_000)
    return history.append(
      { role: 'user', content: q },
      { role: 'assistant', content: a },
      { idempotencyKey: key },
    )
  }
  await turn('Any 2BHK in Whitefield?', 'Three: Lakeside, Cosmopolis and Dream Acres.', 'req-1')
  const retry = await turn('Any 2BHK in Whitefield?', 'Three: ...', 'req-1')
  log(
    `  a retried request adds nothing: duplicate=${retry.duplicate}, seqs ${retry.messages.map((m) => m.seq).join(',')}`,
  )

  const calls: MessageInput = {
    role: 'assistant',
    content: 'Let me check prices.',
    toolCalls: [{ id: 'call_1', name: 'price_lookup', arguments: { project: 'Lakeside' } }],
  }
  await history.append({ role: 'user', content: 'Price of Lakeside?' }, calls, {
    role: 'tool',
    toolCallId: 'call_1',
    content: '{"min": 9500000, "max": 11000000}',
  })
  await history.append({ role: 'assistant', content: 'Between 95 lakh and 1.1 crore.' })
  await turn('Schools near Lakeside?', 'Two international schools within 2 km.', 'req-2')
  await turn('Is there covered parking?', 'Yes, one covered slot per flat.', 'req-3')
  await turn('How far is the metro?', 'The Whitefield metro station is 1.5 km away.', 'req-4')
  await turn('Any flats facing the lake?', 'Four lake-facing flats on floors 9 to 12.', 'req-5')
  await turn('Can I book a site visit Saturday?', 'Booked for Saturday 11:00.', 'req-6')

  const page = await history.list({ limit: 3 })
  log(
    `  stored ${page.total} of ${page.lastSeq} messages (cap 12); newest: ${page.messages.map((m) => `#${m.seq} ${m.role}`).join(', ')}`,
  )
  const summary = await history.summary()
  log(`  what fell off the cap is summarised (seq ${summary?.fromSeq}-${summary?.toSeq}): ${summary?.text}`)

  // The system prompt is not stored (it would fall off the cap): keep room for it with reserveTokens.
  const ctx = await history.context({ maxTokens: 200, reserveTokens: estimateTokens(SYSTEM) + 4 })
  log(
    `  context: ${ctx.messages.length} messages + summary, ${ctx.tokens} tokens (budget 200 minus the system prompt), dropped ${ctx.dropped}`,
  )
  log(`  tool calls and results paired: ${checkToolPairs(ctx.messages).ok}`)
  const system = ctx.summary === undefined ? SYSTEM : `${SYSTEM}\nEarlier: ${ctx.summary.text}`
  const openai = toOpenAIMessages([{ role: 'system', content: system }, ...ctx.messages])
  const anthropic = toAnthropicMessages([{ role: 'system', content: system }, ...ctx.messages])
  log(
    `  chat completions format: ${openai.length} messages; Messages API format: system of ${anthropic.system?.length} chars + ${anthropic.messages.length} turns`,
  )

  const failing = await history.context({
    maxMessages: 2,
    summarize: () => {
      throw new Error('model unavailable')
    },
  })
  log(
    `  with a failing summariser: ${failing.report.summary} summary, error "${failing.report.summaryError}"`,
  )
  log(`  history untouched: ${(await history.list({ limit: 100 })).total} messages`)

  const stats = await history.stats()
  log(
    `  stats: ${stats.byRole.user} user / ${stats.byRole.assistant} assistant messages over ${stats.durationMs / 1000} s`,
  )
  log(
    `  top topics: ${stats.topTopics
      .slice(0, 4)
      .map((t) => `${t.word} (${t.count})`)
      .join(', ')}`,
  )
  await kit.close()
}
