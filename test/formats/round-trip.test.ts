// From each provider's format to sessionkit, through a real store (memory, Redis, Cluster), and
// back: the request that comes out is the request that went in, compared as the JSON on the wire.
import { describe, expect, it } from 'vitest'
import {
  type FormatNote,
  fromAnthropicMessages,
  fromModelMessages,
  fromOpenAIMessages,
  fromResponsesInput,
  type MessageInput,
  toAnthropicMessages,
  toModelMessages,
  toOpenAIMessages,
  toResponsesInput,
} from '../../src/index.js'
import { forEachStore } from '../helpers/stores.js'
import { makeHistory } from '../history/scope.js'
import { aiSdkCorpus } from './corpus/ai-sdk.js'
import { anthropicCorpus } from './corpus/anthropic.js'
import { chatCorpus } from './corpus/openai-chat.js'
import { responsesCorpus } from './corpus/openai-responses.js'

/** What an SDK puts on the wire: JSON text, read back. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value))

forEachStore((fixture) => {
  /** Appends the messages to a fresh history and reads them back as stored. */
  const stored = async (messages: readonly MessageInput[]): Promise<readonly MessageInput[]> => {
    const { history } = await makeHistory(fixture)
    await history.append(...messages)
    return (await history.list({ limit: 1_000 })).messages
  }
  const noNotes = (notes: FormatNote[]) => (n: FormatNote) => notes.push(n)

  describe('OpenAI chat completions', () => {
    for (const c of chatCorpus) {
      it(c.name, async () => {
        const notes: FormatNote[] = []
        const messages = await stored(fromOpenAIMessages(c.messages, { onNote: noNotes(notes) }))
        const back = toOpenAIMessages(messages, {
          onNote: noNotes(notes),
          ...(c.systemRole ? { systemRole: c.systemRole } : {}),
        })
        expect(wire(back)).toEqual(wire(c.messages))
        expect(notes).toEqual([])
      })
    }
  })

  describe('Anthropic Messages', () => {
    for (const c of anthropicCorpus) {
      it(c.name, async () => {
        const notes: FormatNote[] = []
        const messages = await stored(fromAnthropicMessages(c.request, { onNote: noNotes(notes) }))
        expect(wire(toAnthropicMessages(messages, { onNote: noNotes(notes) }))).toEqual(wire(c.request))
        expect(notes).toEqual([])
      })
    }
  })

  describe('OpenAI Responses', () => {
    for (const c of responsesCorpus) {
      it(c.name, async () => {
        const notes: FormatNote[] = []
        const messages = await stored(fromResponsesInput(c.input, { onNote: noNotes(notes) }))
        const back = toResponsesInput(messages, {
          onNote: noNotes(notes),
          ...(c.systemRole ? { systemRole: c.systemRole } : {}),
        })
        expect(wire(back)).toEqual(
          wire(typeof c.input === 'string' ? [{ role: 'user', content: c.input }] : c.input),
        )
        expect(notes).toEqual([])
      })
    }
  })

  describe('Vercel AI SDK', () => {
    for (const c of aiSdkCorpus) {
      it(c.name, async () => {
        const notes: FormatNote[] = []
        const messages = await stored(fromModelMessages(c.messages, { onNote: noNotes(notes) }))
        expect(wire(toModelMessages(messages, { onNote: noNotes(notes) }))).toEqual(wire(c.messages))
        expect(notes).toEqual([])
      })
    }
  })
})
