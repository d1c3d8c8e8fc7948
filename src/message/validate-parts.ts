import { invalidArgument } from '../errors.js'
import { checkImageUrl, checkPdfUrl } from './media.js'
import type { ContentPart, HistoryRole, ImageDetail } from './model.js'

/** Most content parts in one message. */
const MAX_PARTS = 256

/** Which part types each role may hold. */
const allowed: Readonly<Record<HistoryRole, ReadonlySet<string>>> = {
  system: new Set(['text']),
  user: new Set(['text', 'image', 'file']),
  assistant: new Set(['text', 'refusal', 'reasoning']),
  tool: new Set(['text']),
}
const shapes: Readonly<
  Record<string, { readonly required: readonly string[]; readonly optional: readonly string[] }>
> = {
  text: { required: ['text'], optional: ['itemId'] },
  refusal: { required: ['text'], optional: ['itemId'] },
  image: { required: ['url'], optional: ['detail'] },
  file: { required: ['url', 'mediaType'], optional: ['filename'] },
  reasoning: { required: ['text'], optional: ['signature', 'redactedData', 'itemId', 'encryptedContent'] },
}
const details: ReadonlySet<string> = new Set<ImageDetail>(['auto', 'low', 'high', 'original'])

/**
 * Checks a message's content (a string, or parts the role may hold) and returns a clean copy.
 *
 * @example
 * readContent([{ type: 'text', text: 'hi' }], 'user', 'message 1')
 */
export function readContent(
  value: unknown,
  role: HistoryRole,
  what: string,
): string | readonly ContentPart[] {
  if (typeof value === 'string') return value
  if (!Array.isArray(value)) {
    throw invalidArgument(`${what}.content must be a string or an array of { type: 'text', text } parts`)
  }
  if (value.length > MAX_PARTS)
    throw invalidArgument(`${what}.content has ${value.length} parts; at most ${MAX_PARTS}`)
  return value.map((part: unknown, i) => readPart(part, role, `${what}.content[${i}]`))
}

function readPart(part: unknown, role: HistoryRole, where: string): ContentPart {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) {
    throw invalidArgument(`${where} must be an object such as { type: 'text', text: 'hi' }`)
  }
  const p = part as Record<string, unknown>
  const type = typeof p.type === 'string' ? p.type : ''
  const shape = Object.hasOwn(shapes, type) ? shapes[type] : undefined
  if (shape === undefined) {
    throw invalidArgument(
      `${where} must be { type: 'text', text: string } or one of the part types image, file, refusal, reasoning; got type ${JSON.stringify(p.type)}`,
    )
  }
  if (!allowed[role].has(type)) {
    throw invalidArgument(
      `${where}: ${type} parts are not allowed on ${role} messages (images and files: user only; refusals and reasoning: assistant only)`,
    )
  }
  const out: Record<string, string> = { type }
  for (const key of Object.keys(p)) {
    if (key === 'type') continue
    if (!shape.required.includes(key) && !shape.optional.includes(key)) {
      throw invalidArgument(
        `${where} has an unknown field "${key}"; a ${type} part has ${[...shape.required, ...shape.optional].join(', ')}`,
      )
    }
    if (typeof p[key] !== 'string') throw invalidArgument(`${where}.${key} must be a string`)
    out[key] = p[key] as string
  }
  for (const key of shape.required) {
    if (out[key] === undefined) throw invalidArgument(`${where}.${key} is required on a ${type} part`)
  }
  if (type === 'image') {
    checkImageUrl(out.url!, `${where}.url`)
    if (out.detail !== undefined && !details.has(out.detail)) {
      throw invalidArgument(`${where}.detail must be auto, low, high or original`)
    }
  }
  if (type === 'file') checkPdfUrl(out.url!, out.mediaType!, `${where}`)
  if (type === 'reasoning') checkReasoning(out, where)
  return out as unknown as ContentPart
}

function checkReasoning(p: Record<string, string>, where: string): void {
  const anthropic = p.signature !== undefined || p.redactedData !== undefined
  const openai = p.itemId !== undefined || p.encryptedContent !== undefined
  if (anthropic && openai) {
    throw invalidArgument(
      `${where} mixes Anthropic (signature, redactedData) and OpenAI (itemId, encryptedContent) data; a reasoning part comes from one provider`,
    )
  }
  if (p.signature !== undefined && p.redactedData !== undefined) {
    throw invalidArgument(`${where} has both signature and redactedData; a thinking block has one`)
  }
  if (p.redactedData !== undefined && p.text !== '') {
    throw invalidArgument(`${where}: a redacted reasoning part (redactedData) has empty text`)
  }
  if (p.encryptedContent !== undefined && p.itemId === undefined) {
    throw invalidArgument(`${where}.encryptedContent needs the itemId of its reasoning item`)
  }
}
