// A seeded corpus of chat conversations as a gateway sees them: many tenants, interleaved,
// OpenAI- and Anthropic-style clients, with retries, regenerations, forks, edited earlier
// messages, clients that drop their oldest messages, identical openings, timestamps in system
// prompts, reset phrases (and phrases that only look like one), and tool calls echoed back with
// their argument keys reordered. Each request carries its ground truth.
import type { ChatMessage, DetectRequest } from '../../src/detect/index.js'
import { type Rng, rng } from '../helpers/rng.js'
import { conversationText } from './corpus-text.js'

/** What a request exercises; a request may carry several. */
export type Category =
  | 'first'
  | 'exact'
  | 'retry'
  | 'fork'
  | 'edited'
  | 'truncated'
  | 'identical-opening'
  | 'timestamp'
  | 'reset'
  | 'reset-lookalike'
  | 'tool-reordered'
  | 'anthropic'

export interface CorpusRequest {
  readonly request: DetectRequest
  /** The upstream's answer to bind, or `undefined` when the upstream failed (the client retries). */
  readonly reply: ChatMessage | undefined
  /** Ground truth: the conversation and its segment (a reset starts a new one). */
  readonly truth: string
  /** The first request of its segment: it must land in a session no other segment uses. */
  readonly first: boolean
  readonly labels: readonly Category[]
  /** Time since the previous request of the whole replay. */
  readonly advanceMs: number
}

export interface CorpusOptions {
  readonly seed: number
  readonly conversations: number
  readonly tenants: number
  /** Conversations in flight at once (their requests interleave). */
  readonly concurrency: number
}

const OPENINGS = [
  'Hello',
  'Hi',
  'You are an expert programmer working in my repository. Follow the instructions below.\nFile: src/main.ts',
]
const RESET = [
  "Start over. What's the weather in Oslo?",
  'New conversation',
  'reset',
  "Let's start over please",
]
const LOOKALIKES = [
  'Reset my password, please',
  'Clearly that is wrong, try again',
  'Start overtime pay at 40 hours?',
]

/** The whole replay, in the order the gateway receives it. */
export function generateCorpus(o: CorpusOptions): CorpusRequest[] {
  const r = rng(o.seed)
  const out: CorpusRequest[] = []
  const live: Conversation[] = []
  let started = 0
  let clock = 0
  while (started < o.conversations || live.length > 0) {
    while (live.length < o.concurrency && started < o.conversations)
      live.push(new Conversation(started++, o, r))
    // A client retries a failed request soon (its timeout), so a conversation owing a retry goes first.
    const owing = live.findIndex((c) => c.owesRetry)
    const k = owing >= 0 && r() < 0.3 ? owing : Math.floor(r() * live.length)
    const conv = live[k]!
    const advanceMs = Math.floor(r() * 4_000)
    clock += advanceMs
    const next = conv.next(clock)
    if (next === undefined) live.splice(k, 1)
    else out.push({ ...next, advanceMs })
  }
  return out
}

type Step = Omit<CorpusRequest, 'advanceMs'>

class Conversation {
  readonly #r: Rng
  readonly #text: ReturnType<typeof conversationText>
  readonly #tenant: string
  readonly #anthropic: boolean
  readonly #timestamped: boolean
  readonly #identical: boolean
  readonly #keep: number
  #turns: number
  #segment = 0
  /** Indexes in the history of reset messages (editing one away would end its segment). */
  readonly #resets: number[] = []
  #owes = false
  #history: ChatMessage[] = []
  readonly #pending: ((now: number) => Step)[] = []

  constructor(
    readonly index: number,
    o: CorpusOptions,
    parent: Rng,
  ) {
    this.#r = rng(Math.floor(parent() * 2 ** 31))
    this.#text = conversationText(this.#r, index)
    this.#tenant = `tenant-${index % o.tenants}`
    this.#anthropic = this.#r() < 0.3
    this.#timestamped = this.#r() < 0.4
    this.#identical = this.#r() < 0.25
    this.#keep = this.#r() < 0.15 ? 4 + 2 * Math.floor(this.#r() * 3) : 0
    this.#turns = 3 + Math.floor(this.#r() * 10)
    const opening = this.#identical ? OPENINGS[index % OPENINGS.length]! : this.#text.user()
    const fails = this.#r() < 0.05
    this.#pending.push((now) => this.#send([this.#userMsg(opening)], ['first'], now, true, fails))
    if (fails) this.#pending.push((now) => this.#resend(['retry'], now))
  }

  /** The last request failed and the next one is its retry. */
  get owesRetry(): boolean {
    return this.#owes
  }

  next(now: number): Step | undefined {
    if (this.#pending.length === 0) {
      if (this.#turns-- <= 0) return undefined
      this.#plan()
    }
    return this.#pending.shift()!(now)
  }

  // Chooses what the next turn does; each action queues one or more requests.
  #plan(): void {
    const x = this.#r()
    const h = this.#history
    if (x < 0.06) {
      // The upstream fails; the client sends the same request again.
      const msg = this.#userMsg(this.#text.user())
      this.#pending.push((now) => this.#send([msg], ['exact'], now, false, true))
      this.#pending.push((now) => this.#resend(['retry'], now))
    } else if (x < 0.1 && h.length >= 4) {
      // "Regenerate". (Regenerating the very first answer starts a new session by design: an
      // answered opening sent again is indistinguishable from another user's identical opening.)
      this.#pending.push((now) => this.#resend(['retry'], now, true))
    } else if (
      x < 0.16 &&
      this.#lastUserIndex() >= 2 &&
      this.#lastUserIndex() > (this.#resets[this.#resets.length - 1] ?? -1)
    ) {
      // The user edits their last message: the client drops it and its answer. (An edited first
      // message is a new conversation as far as any stateless gateway can tell: not generated.)
      this.#history = h.slice(0, this.#lastUserIndex())
      this.#pending.push((now) => this.#send([this.#userMsg(`${this.#text.user()} (edited)`)], ['fork'], now))
    } else if (x < 0.22 && h.length >= 4) {
      this.#editEarlier()
      this.#pending.push((now) => this.#send([this.#userMsg(this.#text.user())], ['edited'], now))
    } else if (x < 0.26 && h.length >= 2) {
      this.#pending.push((now) => this.#reset(now))
    } else if (x < 0.3 && h.length >= 2) {
      const bait = LOOKALIKES[Math.floor(this.#r() * LOOKALIKES.length)]!
      this.#pending.push((now) => this.#send([this.#userMsg(bait)], ['reset-lookalike'], now))
    } else if (x < 0.4) {
      this.#pending.push((now) =>
        this.#send([this.#userMsg(this.#text.user())], ['exact'], now, false, false, true),
      )
      this.#pending.push((now) => this.#send([this.#toolResult()], ['tool-reordered'], now))
    } else {
      this.#pending.push((now) => this.#send([this.#userMsg(this.#text.user())], ['exact'], now))
    }
  }

  // Sends history + `added`; the upstream answers (a tool call when asked) unless it fails.
  #send(
    added: ChatMessage[],
    labels: Category[],
    now: number,
    first = false,
    fail = false,
    tool = false,
  ): Step {
    this.#history.push(...added)
    this.#owes = fail
    const reply = fail
      ? undefined
      : tool
        ? this.#text.toolCall(this.#anthropic)
        : this.#text.reply(this.#anthropic)
    const step = this.#step(labels, now, first, reply)
    if (reply !== undefined) this.#history.push(this.#text.echo(reply, this.#anthropic))
    return step
  }

  // The same request again: a client retry, or "regenerate" (a different answer replaces the old).
  #resend(labels: Category[], now: number, regenerate = false): Step {
    this.#owes = false
    if (regenerate) this.#history.pop()
    const reply = this.#text.reply(this.#anthropic)
    const step = this.#step(labels, now, false, reply)
    this.#history.push(this.#text.echo(reply, this.#anthropic))
    return step
  }

  #reset(now: number): Step {
    this.#segment++
    this.#resets.push(this.#history.length)
    this.#history.push(this.#userMsg(RESET[Math.floor(this.#r() * RESET.length)]!))
    const reply = this.#text.reply(this.#anthropic)
    const step = this.#step(['reset'], now, true, reply)
    this.#history.push(this.#text.echo(reply, this.#anthropic))
    return step
  }

  #step(labels: Category[], now: number, first: boolean, reply: ChatMessage | undefined): Step {
    const all = [...labels]
    if (this.#timestamped) all.push('timestamp')
    if (this.#anthropic) all.push('anthropic')
    if (this.#identical && this.#segment === 0 && !first) all.push('identical-opening')
    let messages = this.#history.slice()
    if (this.#keep > 0 && messages.length > this.#keep) {
      messages = messages.slice(messages.length - this.#keep)
      if (!all.includes('first') && !all.includes('reset')) all.push('truncated')
    }
    const system = this.#system(now)
    const request: DetectRequest = this.#anthropic
      ? { messages: this.#markLast(messages), system, tenant: this.#tenant }
      : { messages: [{ role: 'system', content: system as string }, ...messages], tenant: this.#tenant }
    return { request, reply, truth: `${this.index}#${this.#segment}`, first, labels: [...new Set(all)] }
  }

  #system(now: number): unknown {
    const base = `You are the assistant of shop ${this.#tenant}. Be brief.`
    const text = this.#timestamped ? `${base} Current time: ${new Date(now).toISOString()}.` : base
    if (!this.#anthropic || this.#r() < 0.5) return text
    return [{ type: 'text', text, cache_control: { type: 'ephemeral' } }]
  }

  // Anthropic clients move a cache_control marker to the newest message each turn.
  #markLast(messages: ChatMessage[]): ChatMessage[] {
    const last = messages[messages.length - 1]!
    if (typeof last.content !== 'string') return messages
    const marked = {
      ...last,
      content: [{ type: 'text', text: last.content, cache_control: { type: 'ephemeral' } }],
    }
    return [...messages.slice(0, -1), marked]
  }

  #userMsg(text: string): ChatMessage {
    return { role: 'user', content: text }
  }

  #toolResult(): ChatMessage {
    const call = this.#history[this.#history.length - 1]!
    return this.#text.toolResult(call, this.#anthropic)
  }

  #lastUserIndex(): number {
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const m = this.#history[i]!
      if (m.role === 'user' && typeof m.content === 'string') return i
    }
    return 0
  }

  // A client-side edit of an earlier message (a typo fix, a redacted reply), kept from now on.
  #editEarlier(): void {
    const i = Math.floor(this.#r() * (this.#history.length - 2))
    const m = this.#history[i]!
    if (typeof m.content !== 'string' || this.#resets.includes(i)) return
    this.#history[i] = { ...m, content: `${m.content} [edited]` }
  }
}
