// The converters' output handed to the official SDK clients, sent over real HTTP to a local
// server that records the bytes: what the provider would receive, big integers included.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type MessageInput,
  toAnthropicMessages,
  toOpenAIMessages,
  toResponsesInput,
} from '../../src/index.js'

const hasRawJson = typeof (JSON as { rawJSON?: unknown }).rawJSON === 'function'
const ARGS = '{"b":1,"order_id":12345678901234567890,"a":"x"}'

const history: MessageInput[] = [
  { role: 'system', content: 'Be brief.' },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Cancel it.' },
      { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
    ],
  },
  {
    role: 'assistant',
    content: [
      { type: 'reasoning', text: 'Cancel the order.', signature: 'EqQBCgIYAhIM' },
      { type: 'reasoning', text: 'Cancel.', itemId: 'rs_1', encryptedContent: 'gAAAAB' },
    ],
    toolCalls: [{ id: 'call.1', name: 'cancel', arguments: ARGS, itemId: 'fc_1' }],
  },
  { role: 'tool', toolCallId: 'call.1', content: 'cancelled' },
]

const replies: Record<string, unknown> = {
  '/v1/chat/completions': {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Done.', refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
  },
  '/v1/responses': {
    id: 'resp_1',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model: 'o4-mini',
    output: [],
  },
  '/v1/messages': {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [{ type: 'text', text: 'Done.' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1 },
  },
}

let server: Server
let baseURL: string
const bodies: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(replies[req.url ?? ''] ?? {}))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const lastBody = () => bodies[bodies.length - 1]!

describe('the official SDKs send what the converters wrote', () => {
  it('openai chat.completions.create: arguments text byte for byte', async () => {
    const client = new OpenAI({ apiKey: 'test', baseURL: `${baseURL}/v1`, maxRetries: 0 })
    const messages = toOpenAIMessages(history)
    await client.chat.completions.create({ model: 'gpt-4o', messages })
    expect(JSON.parse(lastBody()).messages).toEqual(JSON.parse(JSON.stringify(messages)))
    expect(lastBody()).toContain(JSON.stringify(ARGS))
  })

  it('openai responses.create: reasoning item, call ids and arguments text', async () => {
    const client = new OpenAI({ apiKey: 'test', baseURL: `${baseURL}/v1`, maxRetries: 0 })
    const input = toResponsesInput(history)
    await client.responses.create({ model: 'o4-mini', input, store: false })
    const sent = JSON.parse(lastBody()).input
    expect(sent).toEqual(JSON.parse(JSON.stringify(input)))
    expect(sent[2]).toEqual({
      type: 'reasoning',
      id: 'rs_1',
      summary: [{ type: 'summary_text', text: 'Cancel.' }],
      encrypted_content: 'gAAAAB',
    })
    expect(lastBody()).toContain(JSON.stringify(ARGS))
  })

  it('anthropic messages.create: thinking with its signature, a safe tool id, the big integer exact where the runtime can', async () => {
    const client = new Anthropic({ apiKey: 'test', baseURL, maxRetries: 0 })
    const payload = toAnthropicMessages(history)
    await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, ...payload })
    const sent = JSON.parse(lastBody())
    expect(sent.system).toBe('Be brief.')
    expect(sent.messages[1].content[0]).toEqual({
      type: 'thinking',
      thinking: 'Cancel the order.',
      signature: 'EqQBCgIYAhIM',
    })
    expect(sent.messages[1].content[1].id).toMatch(/^call_1_[A-Za-z0-9]{12}$/)
    expect(sent.messages[2].content[0].tool_use_id).toBe(sent.messages[1].content[1].id)
    if (hasRawJson) expect(lastBody()).toContain('"order_id":12345678901234567890')
  })
})
