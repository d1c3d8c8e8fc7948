// Checks of the request shapes the providers document, written out here so the converter tests
// fail on any drift: chat completions `messages` and Messages API `system` + `messages`.
import { expect } from 'vitest'

type Obj = Record<string, unknown>

function keysWithin(o: Obj, allowed: string[], where: string): void {
  for (const k of Object.keys(o)) expect(allowed, `${where} has unexpected key ${k}`).toContain(k)
}

/** Chat completions: roles, content types, tool_calls, and every tool message answering a call just before it. */
export function expectOpenAIMessages(messages: unknown): void {
  expect(Array.isArray(messages)).toBe(true)
  let open: Set<string> | undefined
  for (const [i, raw] of (messages as Obj[]).entries()) {
    const where = `messages[${i}]`
    expect(typeof raw).toBe('object')
    const role = raw.role
    if (role !== 'tool' && open !== undefined) {
      expect(open.size, `${where}: tool calls left unanswered before it`).toBe(0)
      open = undefined
    }
    switch (role) {
      case 'system':
        keysWithin(raw, ['role', 'content'], where)
        expect(typeof raw.content === 'string' || Array.isArray(raw.content)).toBe(true)
        break
      case 'user':
        keysWithin(raw, ['role', 'content'], where)
        if (typeof raw.content !== 'string') {
          expect(Array.isArray(raw.content)).toBe(true)
          for (const part of raw.content as Obj[]) {
            if (part.type === 'text') {
              keysWithin(part, ['type', 'text'], where)
              expect(typeof part.text).toBe('string')
            } else if (part.type === 'file') {
              keysWithin(part, ['type', 'file'], where)
              expect((part.file as Obj).file_data).toMatch(/^data:application\/pdf;base64,/)
            } else {
              expect(part.type).toBe('image_url')
              keysWithin(part, ['type', 'image_url'], where)
              expect(typeof (part.image_url as Obj).url).toBe('string')
            }
          }
        }
        break
      case 'assistant': {
        keysWithin(raw, ['role', 'content', 'tool_calls', 'refusal'], where)
        const calls = raw.tool_calls as Obj[] | undefined
        if (raw.content === null) {
          expect(
            (calls?.length ?? 0) > 0 || typeof raw.refusal === 'string',
            `${where}: null content needs tool_calls or a refusal`,
          ).toBe(true)
        } else expect(typeof raw.content === 'string' || Array.isArray(raw.content)).toBe(true)
        if (calls !== undefined) {
          expect(calls.length).toBeGreaterThan(0)
          open = new Set()
          for (const call of calls) {
            keysWithin(call, ['id', 'type', 'function'], where)
            expect(typeof call.id).toBe('string')
            expect(call.type).toBe('function')
            const fn = call.function as Obj
            keysWithin(fn, ['name', 'arguments'], where)
            expect(typeof fn.name).toBe('string')
            expect(typeof fn.arguments).toBe('string')
            expect(() => JSON.parse(fn.arguments as string)).not.toThrow()
            open.add(call.id as string)
          }
        }
        break
      }
      case 'tool':
        keysWithin(raw, ['role', 'content', 'tool_call_id'], where)
        expect(typeof raw.content === 'string' || Array.isArray(raw.content)).toBe(true)
        expect(
          open,
          `${where}: a tool message must follow an assistant message with tool_calls`,
        ).toBeDefined()
        expect(open!.delete(raw.tool_call_id as string), `${where}: tool_call_id answers no open call`).toBe(
          true,
        )
        break
      default:
        throw new Error(`${where}: unknown role ${String(role)}`)
    }
  }
  expect(open?.size ?? 0, 'tool calls left unanswered at the end').toBe(0)
}

const idPattern = /^[A-Za-z0-9_-]+$/
const mediaTypes = ['image/jpeg', 'image/png', 'image/gif', 'image/webp']

/** Messages API: top-level system string, alternating turns starting with user, blocks, tool_use/tool_result pairing. */
export function expectAnthropicPayload(payload: unknown): void {
  const p = payload as Obj
  keysWithin(p, ['system', 'messages'], 'payload')
  if ('system' in p) expect(typeof p.system === 'string' || Array.isArray(p.system)).toBe(true)
  const turns = p.messages as Obj[]
  expect(Array.isArray(turns)).toBe(true)
  let pending: string[] = []
  for (const [i, turn] of turns.entries()) {
    const where = `messages[${i}]`
    keysWithin(turn, ['role', 'content'], where)
    expect(turn.role).toBe(i % 2 === 0 ? 'user' : 'assistant')
    if (typeof turn.content === 'string') {
      expect(turn.content.length, `${where}: string content must be non-empty`).toBeGreaterThan(0)
      expect(pending.length, `${where}: tool_use blocks left unanswered`).toBe(0)
      continue
    }
    const blocks = turn.content as Obj[]
    expect(
      Array.isArray(blocks) && blocks.length > 0,
      `${where}: content must be a non-empty block array`,
    ).toBe(true)
    if (turn.role === 'user') {
      const results = blocks.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id as string)
      expect(results.sort(), `${where}: must answer exactly the previous tool_use blocks`).toEqual(
        [...pending].sort(),
      )
      const firstOther = blocks.findIndex((b) => b.type !== 'tool_result')
      if (firstOther >= 0) {
        expect(
          blocks.slice(firstOther).some((b) => b.type === 'tool_result'),
          `${where}: tool results must come first`,
        ).toBe(false)
      }
      pending = []
    } else {
      expect(pending.length).toBe(0)
    }
    for (const b of blocks) {
      switch (b.type) {
        case 'text':
          keysWithin(b, ['type', 'text'], where)
          expect(
            typeof b.text === 'string' && b.text.length > 0,
            `${where}: text blocks must be non-empty`,
          ).toBe(true)
          break
        case 'image': {
          expect(turn.role).toBe('user')
          const source = b.source as Obj
          if (source.type === 'url') expect(typeof source.url).toBe('string')
          else {
            expect(source.type).toBe('base64')
            expect(mediaTypes).toContain(source.media_type)
            expect(typeof source.data).toBe('string')
          }
          break
        }
        case 'tool_use':
          expect(turn.role).toBe('assistant')
          keysWithin(b, ['type', 'id', 'name', 'input'], where)
          expect(b.id).toMatch(idPattern)
          expect(typeof b.name).toBe('string')
          expect(typeof b.input === 'object' && b.input !== null && !Array.isArray(b.input)).toBe(true)
          pending.push(b.id as string)
          break
        case 'tool_result':
          expect(turn.role).toBe('user')
          keysWithin(b, ['type', 'tool_use_id', 'content', 'is_error'], where)
          expect(b.tool_use_id).toMatch(idPattern)
          if ('content' in b) expect(typeof b.content === 'string' || Array.isArray(b.content)).toBe(true)
          break
        case 'thinking':
          expect(turn.role).toBe('assistant')
          keysWithin(b, ['type', 'thinking', 'signature'], where)
          expect(typeof b.signature).toBe('string')
          break
        case 'redacted_thinking':
          expect(turn.role).toBe('assistant')
          keysWithin(b, ['type', 'data'], where)
          break
        default:
          throw new Error(`${where}: unknown block type ${String(b.type)}`)
      }
    }
  }
  expect(pending, 'tool_use blocks left unanswered at the end').toEqual([])
}
