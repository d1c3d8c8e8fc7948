import { invalidArgument } from '../errors.js'
import { assertMessageList } from '../message/shape.js'
import { checkCallOptions } from '../options.js'
import { contentText, type MessageInput, type ToolCall } from './message.js'

/**
 * How messages group for trimming. A `tools` unit is an assistant message with tool calls and
 * the tool messages right after it that answer them: the unit is kept or dropped whole.
 * `incomplete` is such a unit with a call left unanswered; `orphan` is a tool message that answers
 * no call of the assistant message right before its run of tool messages. Neither may be sent.
 */
export type UnitKind = 'system' | 'message' | 'tools' | 'incomplete' | 'orphan'

/** A group of messages that stays together. */
export interface MessageUnit {
  readonly kind: UnitKind
  /** Indices into the message array, ascending. */
  readonly indices: readonly number[]
  /** For `incomplete`: the calls without a result. */
  readonly missing?: readonly ToolCall[]
}

/**
 * Splits messages into units in one pass (linear time). The pairing rule is the providers': the
 * results of an assistant message's tool calls are the tool messages that directly follow it,
 * one per call id.
 *
 * @example
 * groupUnits(messages).filter((u) => u.kind === 'orphan')
 */
export function groupUnits(messages: readonly MessageInput[]): MessageUnit[] {
  const units: MessageUnit[] = []
  const n = messages.length
  let i = 0
  while (i < n) {
    const m = messages[i]!
    if (m.role === 'assistant' && m.toolCalls !== undefined && m.toolCalls.length > 0) {
      const open = new Map<string, ToolCall>()
      for (const call of m.toolCalls) open.set(call.id, call)
      const indices = [i]
      const orphans: MessageUnit[] = []
      let j = i + 1
      for (; j < n && messages[j]!.role === 'tool'; j++) {
        const id = messages[j]!.toolCallId
        if (id !== undefined && open.delete(id)) indices.push(j)
        else orphans.push({ kind: 'orphan', indices: [j] })
      }
      units.push(
        open.size === 0
          ? { kind: 'tools', indices }
          : { kind: 'incomplete', indices, missing: [...open.values()] },
      )
      for (const o of orphans) units.push(o)
      i = j
      continue
    }
    const kind: UnitKind = m.role === 'system' ? 'system' : m.role === 'tool' ? 'orphan' : 'message'
    units.push({ kind, indices: [i] })
    i++
  }
  return units
}

/** Options of {@link checkToolPairs}. */
export interface CheckToolPairsOptions {
  /**
   * `false` (default): only report. `'drop'`: remove orphan results and unanswered calls (an
   * assistant message left with no text and no call goes too). `'placeholder'`: remove orphan
   * results and answer each unanswered call with a tool message holding `placeholder`.
   */
  readonly repair?: false | 'drop' | 'placeholder'
  /** Text of an inserted result. Default: `'No result: the tool call did not complete.'` */
  readonly placeholder?: string
}

/** What {@link checkToolPairs} found, and the messages (repaired when asked). */
export interface ToolPairReport<M extends MessageInput> {
  /** True when every call had its result and every result its call. */
  readonly ok: boolean
  /** Calls with no result: the assistant message's index and the call. */
  readonly orphanCalls: readonly { readonly index: number; readonly call: ToolCall }[]
  /** Tool messages that answer no call: their index and `toolCallId`. */
  readonly orphanResults: readonly { readonly index: number; readonly toolCallId: string | undefined }[]
  /** The input when `repair` is off or nothing was wrong; otherwise a repaired copy. */
  readonly messages: readonly (M | MessageInput)[]
}

/** Default text of a placeholder tool result. */
export const DEFAULT_TOOL_PLACEHOLDER = 'No result: the tool call did not complete.'

/**
 * Checks that every tool call has its result right after it and every tool result its call,
 * as providers require, and optionally repairs the array. Pure; linear time.
 *
 * @example
 * const { ok, messages } = checkToolPairs(history, { repair: 'drop' })
 */
export function checkToolPairs<M extends MessageInput>(
  messages: readonly M[],
  options: CheckToolPairsOptions = {},
): ToolPairReport<M> {
  assertMessageList(messages, 'checkToolPairs')
  checkCallOptions(options, ['repair', 'placeholder'], 'checkToolPairs()')
  const repair = options.repair ?? false
  if (repair !== false && repair !== 'drop' && repair !== 'placeholder') {
    throw invalidArgument(
      `checkToolPairs option repair must be false, 'drop' or 'placeholder'; got ${String(repair)}`,
    )
  }
  const placeholder = options.placeholder ?? DEFAULT_TOOL_PLACEHOLDER
  const units = groupUnits(messages)
  const orphanCalls: { index: number; call: ToolCall }[] = []
  const orphanResults: { index: number; toolCallId: string | undefined }[] = []
  for (const unit of units) {
    const first = unit.indices[0]!
    if (unit.kind === 'orphan') orphanResults.push({ index: first, toolCallId: messages[first]!.toolCallId })
    if (unit.kind === 'incomplete') for (const call of unit.missing!) orphanCalls.push({ index: first, call })
  }
  const ok = orphanCalls.length === 0 && orphanResults.length === 0
  if (ok || repair === false) return { ok, orphanCalls, orphanResults, messages }

  const out: (M | MessageInput)[] = []
  for (const unit of units) {
    if (unit.kind === 'orphan') continue
    if (unit.kind !== 'incomplete') {
      for (const i of unit.indices) out.push(messages[i]!)
      continue
    }
    if (repair === 'placeholder') {
      for (const i of unit.indices) out.push(messages[i]!)
      for (const call of unit.missing!) out.push({ role: 'tool', toolCallId: call.id, content: placeholder })
      continue
    }
    const head = messages[unit.indices[0]!]!
    const missing = new Set(unit.missing!.map((c) => c.id))
    const kept = head.toolCalls!.filter((c) => !missing.has(c.id))
    const { toolCalls: _dropped, ...rest } = head
    if (kept.length > 0) out.push({ ...rest, toolCalls: kept })
    else if (hasText(head)) out.push(rest)
    for (const i of unit.indices.slice(1)) out.push(messages[i]!)
  }
  return { ok, orphanCalls, orphanResults, messages: out }
}

function hasText(m: MessageInput): boolean {
  return contentText(m).length > 0
}
