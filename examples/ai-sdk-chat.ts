// A chat turn with the Vercel AI SDK: the history of a sessionkit session goes into `streamText`
// (reasoning with its signature included, so a thinking model's tool loop can go on), and the
// question with everything the model produced is appended in one atomic step when it finishes.
// `npx tsx examples/ai-sdk-chat.ts` runs two turns against a stand-in model (no network); pass
// a real model (`anthropic('claude-sonnet-4-6')`, `openai('gpt-5')`) to `chatTurn` in your app.
import { pathToFileURL } from 'node:url'
import { type LanguageModel, streamText } from 'ai'
import { MockLanguageModelV4, simulateReadableStream } from 'ai/test'
import { createSessionKit, fromModelMessages, type Session, toModelMessages } from '../src/index.js'

const SYSTEM = 'You are a shopping assistant.'

/**
 * One turn: the context within a token budget, the model's streamed answer (yielded as it
 * comes), then the question and the model's messages stored together under `requestId`.
 */
export async function* chatTurn(
  session: Session,
  model: LanguageModel,
  question: string,
  requestId: string,
): AsyncGenerator<string> {
  const ctx = await session.history.context({ maxTokens: 8_000, reserveTokens: 1_500 })
  let stored!: Promise<unknown>
  const result = streamText({
    model,
    system: ctx.summary ? `${SYSTEM}\nEarlier: ${ctx.summary.text}` : SYSTEM,
    messages: [...toModelMessages(ctx.messages), { role: 'user', content: question }],
    onFinish: ({ response }) => {
      // The answer appended on finish: the question and every message of the response, one
      // atomic append; a retried request with the same id stores nothing twice.
      stored = session.history.append(
        { role: 'user', content: question },
        ...fromModelMessages(response.messages),
        {
          idempotencyKey: requestId,
        },
      )
    },
  })
  yield* result.textStream
  await stored
}

/** A stand-in model that thinks (with an Anthropic signature) and then answers. */
export function standInModel(answer: string): MockLanguageModelV4 {
  const signature = { anthropic: { signature: `sig-${answer.length}` } }
  return new MockLanguageModelV4({
    doStream: async () => ({
      stream: simulateReadableStream({
        chunks: [
          { type: 'reasoning-start', id: 'r1' },
          { type: 'reasoning-delta', id: 'r1', delta: 'The user asks about stock; answer briefly.' },
          { type: 'reasoning-end', id: 'r1', providerMetadata: signature },
          { type: 'text-start', id: 't1' },
          { type: 'text-delta', id: 't1', delta: answer },
          { type: 'text-end', id: 't1' },
          {
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'end_turn' },
            usage: {
              inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: 5, text: 3, reasoning: 2 },
            },
          },
        ],
      }),
    }),
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kit = createSessionKit()
  const session = await kit.create({ userId: 'u1' })
  for (const [i, q] of ['Is the blue tee in stock?', 'And in size M?'].entries()) {
    let answer = ''
    for await (const chunk of chatTurn(session, standInModel(`Yes (${i + 1}).`), q, `req-${i}`))
      answer += chunk
    console.log(`> ${q}\n${answer}`)
  }
  console.log(JSON.stringify((await session.history.list()).messages, null, 2))
  await kit.close()
}
