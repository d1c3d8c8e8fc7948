import { type ChildProcess, spawn } from 'node:child_process'
import { createServer, request } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import Anthropic from '@anthropic-ai/sdk'
import OpenAI from 'openai'
import parsePrometheusTextFormat from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type StandInUpstream, startStandInUpstream } from '../../examples/gateway-upstream.js'
import { listen } from '../../examples/http-helpers.js'
import { seedShapedMetrics } from '../helpers/gateway-metrics.js'
import { redisClusterNodes, redisPort, uniquePrefix } from '../helpers/redis-clients.js'

const gatewayFile = join(import.meta.dirname, '../../examples/gateway.ts')

/** Starts one `examples/gateway.ts` process and resolves its URL once it listens. */
function startGatewayProcess(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', gatewayFile, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = /gateway on (http:\/\/\S+)/.exec(line)?.[1]
      if (url !== undefined) resolve({ url, child })
    })
    child.once('exit', (code) => reject(new Error(`gateway exited (${code}): ${stderr}`)))
  })
}

/** A load balancer in front of the gateways: each request goes to the next one in turn. */
async function roundRobin(targets: readonly string[]) {
  let next = 0
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', targets[next++ % targets.length])
    const forward = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    res.on('close', () => forward.destroy())
    req.pipe(forward)
  })
  return await listen(server, 0)
}

/** What each response said about its session, by the fetch of one client. */
function recordingFetch(
  seen: { id: string | null; kind: string | null; degraded: string | null }[],
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    seen.push({
      id: response.headers.get('x-session-id'),
      kind: response.headers.get('x-session-kind'),
      degraded: response.headers.get('x-session-degraded'),
    })
    return response
  }
}

type Seen = Parameters<typeof recordingFetch>[0]

/** One conversation of a client: each turn sends the history and appends the answer it got. */
interface Conversation {
  readonly seen: Seen
  turn(say: string): Promise<void>
}

function openaiConversation(base: string, key: string, stream: boolean): Conversation {
  const seen: Seen = []
  const client = new OpenAI({
    baseURL: `${base}/v1`,
    apiKey: key,
    fetch: recordingFetch(seen),
    maxRetries: 0,
  })
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: 'You are a travel agent.' },
  ]
  return {
    seen,
    async turn(say) {
      messages.push({ role: 'user', content: say })
      const answer = stream
        ? await client.chat.completions.stream({ model: 'stand-in', messages }).finalChatCompletion()
        : await client.chat.completions.create({ model: 'stand-in', messages })
      const message = answer.choices[0]!.message
      messages.push(message as OpenAI.ChatCompletionMessageParam)
      // A tool call is answered by the client's tool, then the model is asked again.
      for (const call of message.tool_calls ?? [])
        messages.push({ role: 'tool', tool_call_id: call.id, content: 'found it' })
    },
  }
}

function anthropicConversation(base: string, key: string, stream: boolean): Conversation {
  const seen: Seen = []
  const client = new Anthropic({ baseURL: base, apiKey: key, fetch: recordingFetch(seen), maxRetries: 0 })
  const messages: Anthropic.MessageParam[] = []
  return {
    seen,
    async turn(say) {
      const last = messages[messages.length - 1]
      const blocks = Array.isArray(last?.content) ? last.content : []
      const toolUse = blocks.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlockParam | undefined
      messages.push({
        role: 'user',
        content: toolUse
          ? [
              { type: 'tool_result', tool_use_id: toolUse.id, content: 'found it' },
              { type: 'text', text: say },
            ]
          : say,
      })
      const params = { model: 'stand-in', max_tokens: 256, system: 'You are a travel agent.', messages }
      const answer = stream
        ? await client.messages.stream(params).finalMessage()
        : await client.messages.create(params)
      messages.push({ role: 'assistant', content: answer.content as Anthropic.ContentBlockParam[] })
    },
  }
}

const setups: [string, boolean, () => string[]][] = [
  ['one Redis', redisPort !== undefined, () => ['--redis', `redis://127.0.0.1:${redisPort}`]],
  [
    'a 3-master Cluster',
    redisClusterNodes !== undefined,
    () => ['--redis-cluster', redisClusterNodes!.map((n) => `${n.host}:${n.port}`).join(',')],
  ],
]

// Three gateway processes behind a round-robin front, driven by the official SDKs. About 4 s each
// (three processes start with tsx).
for (const [name, available, redisArgs] of setups) {
  describe.runIf(available)(`three gateway processes on ${name}, official clients`, () => {
    let upstream: StandInUpstream
    let gateways: { url: string; child: ChildProcess }[] = []
    let front: Awaited<ReturnType<typeof roundRobin>>
    beforeAll(async () => {
      upstream = await startStandInUpstream()
      const prefix = uniquePrefix()
      gateways = await Promise.all(
        [0, 1, 2].map(() =>
          startGatewayProcess([
            '--upstream',
            upstream.url,
            '--prefix',
            prefix,
            '--timeout-ms',
            '5000',
            ...redisArgs(),
          ]),
        ),
      )
      front = await roundRobin(gateways.map((g) => g.url))
    })
    afterAll(async () => {
      await front?.close()
      for (const g of gateways) g.child.kill('SIGTERM')
      await upstream?.close()
    })

    it('groups interleaved conversations, streamed or not, OpenAI and Anthropic, with tool calls', async () => {
      const conversations = [
        openaiConversation(front.url, 'key-A', true),
        openaiConversation(front.url, 'key-A', false),
        openaiConversation(front.url, 'key-B', true),
        anthropicConversation(front.url, 'key-A', true),
        anthropicConversation(front.url, 'key-A', false),
        anthropicConversation(front.url, 'key-C', true),
      ]
      const script = ['Plan a week in Japan', 'use a tool', 'Which city first?', 'And the budget?', 'Thanks!']
      // Round by round, all conversations at once: their requests interleave across the replicas.
      for (const say of script)
        await Promise.all(conversations.map((c, i) => c.turn(i === 1 ? say : `${say} (${i})`)))
      const ids = conversations.map((c) => new Set(c.seen.map((s) => s.id)))
      for (const [i, c] of conversations.entries()) {
        expect(c.seen.map((s) => s.degraded)).toEqual(script.map(() => 'false'))
        expect(ids[i]!.size, `conversation ${i}`).toBe(1)
        expect(c.seen.map((s) => s.kind)).toEqual(['new', 'continued', 'continued', 'continued', 'continued'])
      }
      expect(new Set(ids.map((s) => [...s][0])).size).toBe(conversations.length)
    })

    it("serves each replica's metrics: the documented JSON shape, and Prometheus with shared detection and limits", async () => {
      let requests = 0
      for (const g of gateways) {
        await seedShapedMetrics(g.url)
        const text = await (await fetch(`${g.url}/metrics?format=prometheus`)).text()
        const value = (name: string, labels: Record<string, string> = {}) =>
          Number(
            parsePrometheusTextFormat(text)
              .find((f) => f.name === name)
              ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value,
          )
        expect(value('sessionkit_detections_degraded_total')).toBe(0)
        expect(value('sessionkit_detection_index_round_trips_total')).toBeGreaterThan(0)
        requests += value('sessionkit_rate_limit_decisions_total', { result: 'allowed' })
      }
      // Every request of the test above passed one replica's limiter (30 chat calls).
      expect(requests).toBeGreaterThanOrEqual(30)
    })

    it('binds nothing for a stream the client aborts: its retry is a retry', async () => {
      const seen: Seen = []
      const client = new OpenAI({
        baseURL: `${front.url}/v1`,
        apiKey: 'key-D',
        fetch: recordingFetch(seen),
        maxRetries: 0,
      })
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: 'user', content: 'Write me a long poem' },
      ]
      const stream = await client.chat.completions.create({ model: 'stand-in', messages, stream: true })
      for await (const _ of stream) break
      await new Promise((resolve) => setTimeout(resolve, 100))
      const again = await client.chat.completions
        .stream({ model: 'stand-in', messages })
        .finalChatCompletion()
      messages.push(again.choices[0]!.message as OpenAI.ChatCompletionMessageParam, {
        role: 'user',
        content: 'Shorter',
      })
      await client.chat.completions.create({ model: 'stand-in', messages })
      expect(seen.map((s) => s.kind)).toEqual(['new', 'retry', 'continued'])
      expect(new Set(seen.map((s) => s.id)).size).toBe(1)
    })
  })
}
