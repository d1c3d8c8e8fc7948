// A stand-in for an LLM provider, for examples/gateway.ts and its tests (no network): answers
// OpenAI chat completions (POST /v1/chat/completions) and Anthropic messages (POST /v1/messages),
// as JSON or, with `"stream": true`, as Server-Sent Events in the providers' own event shapes, a
// few characters per event. Every answer is unique ("answer N"), as a real model's are. A last
// user message "use a tool" gets a tool call instead of text.
import { createServer, type ServerResponse } from 'node:http'
import { listen, readBody, send } from './http-helpers.js'

/** A running stand-in upstream. */
export interface StandInUpstream {
  readonly url: string
  close(): Promise<void>
}

interface ChatBody {
  messages?: { role: string; content?: unknown }[]
  stream?: boolean
}

/**
 * Starts the stand-in on 127.0.0.1 (`port` 0: any free one).
 *
 * @example
 * const upstream = await startStandInUpstream(); ...; await upstream.close()
 */
export async function startStandInUpstream(port = 0): Promise<StandInUpstream> {
  let answers = 0
  const server = createServer((req, res) => {
    readBody(req, 1 << 20).then(
      (raw) => {
        let body: ChatBody
        try {
          body = JSON.parse(raw?.toString('utf8') ?? '{}') as ChatBody
        } catch {
          return send(res, 400, { error: { message: 'body is not JSON' } })
        }
        const last = body.messages?.[body.messages.length - 1]
        const said = typeof last?.content === 'string' ? last.content : 'your message'
        const text = `You said "${said.slice(0, 60)}". (answer ${++answers})`
        const tool = said === 'use a tool'
        if (req.url === '/v1/messages') return anthropic(res, body, text, tool, answers)
        if (req.url === '/v1/chat/completions') return openai(res, body, text, tool, answers)
        send(res, 404, { error: { message: 'POST /v1/chat/completions or /v1/messages' } })
      },
      () => send(res, 400, { error: { message: 'unreadable body' } }),
    )
  })
  return await listen(server, port)
}

function openai(res: ServerResponse, body: ChatBody, text: string, tool: boolean, n: number): void {
  const id = `chatcmpl-${n}`
  const call = {
    id: `call_${n}`,
    type: 'function',
    function: { name: 'lookup', arguments: `{"q": "item ${n}"}` },
  }
  const message = tool
    ? { role: 'assistant', content: null, tool_calls: [call], refusal: null }
    : { role: 'assistant', content: text, refusal: null }
  const finish = tool ? 'tool_calls' : 'stop'
  if (body.stream !== true) {
    send(res, 200, {
      id,
      object: 'chat.completion',
      created: 0,
      model: 'stand-in',
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    })
    return
  }
  const chunk = (delta: unknown, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: 0,
    model: 'stand-in',
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  })
  const events: unknown[] = [chunk({ role: 'assistant', content: tool ? null : '', refusal: null })]
  if (tool) {
    const args = call.function.arguments
    events.push(
      chunk({
        tool_calls: [
          { index: 0, id: call.id, type: 'function', function: { name: 'lookup', arguments: '' } },
        ],
      }),
    )
    for (const piece of pieces(args))
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }))
  } else {
    for (const piece of pieces(text)) events.push(chunk({ content: piece }))
  }
  events.push(chunk({}, finish))
  stream(res, events.map((e) => `data: ${JSON.stringify(e)}\n\n`).concat('data: [DONE]\n\n'))
}

function anthropic(res: ServerResponse, body: ChatBody, text: string, tool: boolean, n: number): void {
  const id = `msg_${n}`
  const input = { q: `item ${n}` }
  const content = tool
    ? [{ type: 'tool_use', id: `toolu_${n}`, name: 'lookup', input }]
    : [{ type: 'text', text }]
  const usage = { input_tokens: 10, output_tokens: 10 }
  const message = { id, type: 'message', role: 'assistant', model: 'stand-in', content, usage }
  if (body.stream !== true) {
    send(res, 200, { ...message, stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null })
    return
  }
  const events: [string, unknown][] = [
    [
      'message_start',
      { type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null } },
    ],
  ]
  if (tool) {
    events.push([
      'content_block_start',
      { type: 'content_block_start', index: 0, content_block: { ...content[0], input: {} } },
    ])
    for (const piece of pieces(JSON.stringify(input)))
      events.push([
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: piece } },
      ])
  } else {
    events.push([
      'content_block_start',
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ])
    for (const piece of pieces(text))
      events.push([
        'content_block_delta',
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
      ])
  }
  events.push(['content_block_stop', { type: 'content_block_stop', index: 0 }])
  events.push([
    'message_delta',
    {
      type: 'message_delta',
      delta: { stop_reason: tool ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage,
    },
  ])
  events.push(['message_stop', { type: 'message_stop' }])
  stream(
    res,
    events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
  )
}

// Text in pieces of up to 8 characters: a stream of many small events, as a model sends them.
function pieces(text: string): string[] {
  const out: string[] = []
  for (let i = 0; i < text.length; i += 8) out.push(text.slice(i, i + 8))
  return out
}

// Writes one event every 2 ms, so they arrive as a stream (a model takes seconds).
function stream(res: ServerResponse, events: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  let i = 0
  const next = (): void => {
    if (res.destroyed) return
    if (i >= events.length) return void res.end()
    res.write(events[i++])
    setTimeout(next, 2)
  }
  next()
}
