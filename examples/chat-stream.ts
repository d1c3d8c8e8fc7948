// The chat example's streamed answers: Server-Sent Events out, one append to the history when the
// stream ends, and on a client abort the partial answer kept, marked as interrupted, so the next
// turn's context holds exactly what the user saw.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ContextResult, Session } from '../src/index.js'

/** Streams the assistant's answer in pieces; stops when `signal` aborts (the client went away). */
export type StreamingResponder = (input: {
  readonly question: string
  readonly context: ContextResult
  readonly session: Session
  readonly signal: AbortSignal
}) => AsyncIterable<string>

/**
 * A stand-in for a streaming LLM call: it says how much it remembers, one word every `delayMs`.
 *
 * @example
 * createChatServer({ streamResponder: standInStream(50) })
 */
export function standInStream(delayMs = 30): StreamingResponder {
  return async function* ({ question, context, signal }) {
    const interrupted = context.messages.filter((m) => m.metadata?.interrupted === true).length
    const words = [
      `You asked: "${question.slice(0, 200)}".`,
      `I can see ${context.messages.length} earlier message(s),`,
      `${interrupted} of them cut short.`,
      'Here is a long answer that takes a while to stream, word by word, so that a reader can stop it.',
    ]
      .join(' ')
      .split(' ')
    for (const [i, word] of words.entries()) {
      if (signal.aborted) return
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      yield i === 0 ? word : ` ${word}`
    }
  }
}

/** What {@link streamAnswer} needs besides the request and response. */
export interface StreamTurn {
  readonly session: Session
  readonly question: string
  readonly context: ContextResult
  readonly responder: StreamingResponder
  /** Makes a retried request store nothing twice. */
  readonly idempotencyKey: string | undefined
  /** Keep a partial answer when the client aborts (`metadata.interrupted: true`); else keep the question only. */
  readonly keepInterrupted: boolean
}

/**
 * Answers over SSE: `event: delta` with `{ text }` per piece, then `event: done` with
 * `{ sessionId, seq }` once the question and the answer are stored (one append). When the client
 * goes away first, the responder is stopped and the question is stored with the answer so far,
 * `metadata: { interrupted: true, reason: 'client-abort' }`; a responder that throws ends the
 * stream with `event: error` and stores the partial answer with `reason: 'error'`.
 */
export async function streamAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  turn: StreamTurn,
): Promise<void> {
  const controller = new AbortController()
  // The client is gone when the response closes before it was finished.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort()
  })
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  })
  res.flushHeaders()
  const send = (event: string, data: unknown) => {
    if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  }
  let answer = ''
  let failure: unknown
  try {
    const pieces = turn.responder({ ...turn, signal: controller.signal })
    for await (const piece of pieces) {
      if (controller.signal.aborted) break
      answer += piece
      send('delta', { text: piece })
    }
  } catch (error) {
    failure = error
  }
  const interrupted = controller.signal.aborted || failure !== undefined
  const user = { role: 'user' as const, content: turn.question }
  const keep = answer !== '' && (!interrupted || turn.keepInterrupted)
  const reason = failure === undefined ? 'client-abort' : 'error'
  const assistant = {
    role: 'assistant' as const,
    content: answer,
    ...(interrupted ? { metadata: { interrupted: true, reason } } : {}),
  }
  const key = turn.idempotencyKey === undefined ? {} : { idempotencyKey: turn.idempotencyKey }
  const stored = keep
    ? await turn.session.history.append(user, assistant, key)
    : await turn.session.history.append(user, key)
  if (failure !== undefined)
    send('error', { code: 'UPSTREAM', message: 'the answer stopped early; try again' })
  else if (!interrupted) send('done', { sessionId: turn.session.id, seq: stored.messages[0]?.seq })
  if (!res.destroyed) res.end()
  // The request body was read before streaming; nothing more comes from the client.
  req.resume()
}
