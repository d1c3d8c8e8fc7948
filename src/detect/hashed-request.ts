import { type CanonicalConfig, directPiece, hasHashedExtras, messagePiece, systemText } from './canonical.js'
import { chainCuts, chainSegments, probePositions, RequestChain } from './chain.js'
import { type DetectorHash, probeKey } from './hash.js'
import { word } from './key-index.js'
import { framedSketch, pieceSketch } from './reply-sketch.js'
import { systemPrefixLength } from './request.js'
import type { ChatMessage, DetectRequest } from './types.js'

/** A request canonicalised and hashed: what placement reads. */
export interface HashedRequest {
  readonly tenant: string
  readonly messages: readonly ChatMessage[]
  /** The top-level system prompt, if any. */
  readonly system: unknown
  /** Index in `messages` of the first conversation message (after the system prompt). */
  readonly offset: number
  /** Conversation messages (the request's position). */
  readonly n: number
  readonly pieces: readonly string[]
  /** Whether each piece is its message's string content framed as is (see `directPiece`). */
  readonly framed: readonly boolean[]
  /** Position (1-based) of the first assistant message, 0 when there is none. */
  readonly firstAssistant: number
  /** Position of the last assistant message, 0 when there is none. */
  readonly lastAssistant: number
  /**
   * A 30-bit fingerprint of the system prompt as sent, before volatile patterns are blanked: the
   * same value means the same prompt, so the blanked one need not be computed. 0 when the prompt
   * is not one plain text (then only `sysFp` tells).
   */
  readonly rawSysFp: number
  /**
   * A 30-bit fingerprint of the system prompt with volatile patterns blanked (it only flags
   * changes), 0 when there is none; -1 until {@link systemFp} computes it.
   */
  sysFp: number
  /** Seed and tenant, fed before the messages and before each fingerprint. */
  readonly header: string
  readonly chain: RequestChain
  /** The positions probed for an exact match, newest first (see `probePositions`). */
  readonly probes: readonly number[]
  readonly reset: boolean
  readonly now: number
  readonly ctx: HashContext
  /** Code units hashed for this request besides the chain. */
  bytes: number
}

/** What hashing a request needs from the detector. */
export interface HashContext {
  readonly cfg: CanonicalConfig
  readonly hash: DetectorHash
  readonly seed: string
  readonly maxProbe: number
}

/**
 * Canonicalises and hashes a request. Positions below the first assistant message (less one), or
 * more than `maxProbe` messages back, are never probed: a prefix without any reply identifies
 * nobody, only the whole request can be a retry. Without any assistant message only the request
 * itself is probed.
 */
export function hashRequest(
  request: DetectRequest,
  ctx: HashContext,
  reset: boolean,
  now: number,
): HashedRequest {
  const messages = request.messages
  const tenant = request.tenant ?? ''
  const offset = systemPrefixLength(messages)
  const n = messages.length - offset
  const header = `${ctx.seed}\u0000${tenant.length}:${tenant}\u0000`
  const pieces = new Array<string>(n)
  const framed = new Array<boolean>(n)
  let firstAssistant = 0
  let lastAssistant = 0
  let direct = false
  for (let i = 0; i < n; i++) {
    const m = messages[offset + i]!
    const piece = directPiece(m, ctx.cfg)
    if (piece === undefined) {
      pieces[i] = messagePiece(m, ctx.cfg, offset + i)
      framed[i] = false
    } else {
      pieces[i] = piece
      framed[i] = true
      direct = true
    }
    if (m.role === 'assistant') {
      if (firstAssistant === 0) firstAssistant = i + 1
      lastAssistant = i + 1
    }
  }
  const lowest = firstAssistant === 0 ? n : Math.max(1, firstAssistant - 1, n - ctx.maxProbe + 1)
  const probes = probePositions(n, lastAssistant, lowest)
  const cuts = chainCuts(probes, n)
  let segments = chainSegments(header, pieces, cuts)
  // A CR in text taken as is (one scan of the joined text, which hashing reads anyway): the
  // request goes through messagePiece() after all.
  if (direct && hasCR(segments)) {
    for (let i = 0; i < n; i++) {
      pieces[i] = messagePiece(messages[offset + i]!, ctx.cfg, offset + i)
      framed[i] = false
    }
    segments = chainSegments(header, pieces, cuts)
  }
  const chain = new RequestChain(ctx.hash, header, pieces, cuts, segments)
  const system = request.system
  const noSystem = offset === 0 && (system === undefined || system === null || system === '')
  const raw = noSystem ? undefined : rawSystem(system, messages, offset, ctx.cfg)
  // A raw prompt is a top-level string (offset 0) or the one leading system or developer message.
  const form = offset === 0 ? TOP_LEVEL_FORM : messages[0]!.role === 'system' ? SYSTEM_FORM : DEVELOPER_FORM
  return {
    tenant,
    messages,
    system,
    offset,
    n,
    pieces,
    framed,
    firstAssistant,
    lastAssistant,
    rawSysFp: raw === undefined ? 0 : fp30(ctx.hash.digest(raw)) ^ form,
    sysFp: noSystem ? 0 : -1,
    header,
    chain,
    probes,
    reset,
    now,
    ctx,
    bytes: raw === undefined ? 0 : raw.length,
  }
}

/** The system prompt's fingerprint with volatile patterns blanked, computed once per request. */
export function systemFp(req: HashedRequest): number {
  if (req.sysFp >= 0) return req.sysFp
  const sys = systemText(req.system, req.messages, req.offset, req.ctx.cfg)
  req.bytes += sys.length
  req.sysFp = sys === '' ? 0 : fp30(req.ctx.hash.digest(sys))
  return req.sysFp
}

/** Role of the message at `position` (1-based) of the conversation. */
export function roleAt(req: HashedRequest, position: number): string {
  return req.messages[req.offset + position - 1]!.role
}

/** The sketch of the piece at `position` (1-based), read without flattening it when it is framed text. */
export function sketchAt(req: HashedRequest, position: number): number {
  const piece = req.pieces[position - 1]!
  return req.framed[position - 1]
    ? framedSketch(piece, req.messages[req.offset + position - 1]!.content as string)
    : pieceSketch(piece)
}

/** Fingerprint (probe form) of the message at `position`: tenant-salted, so tenants never share one. */
export function fingerprintAt(req: HashedRequest, position: number): string {
  const piece = req.pieces[position - 1]!
  req.bytes += req.header.length + piece.length
  return probeKey(pieceFingerprint(req.ctx.hash, req.header, piece))
}

/**
 * The digest that fingerprints one message for fuzzy matching: the header (seed and tenant, so
 * tenants never share one) and the message's canonical piece. A reply bound by `bindReply` and the
 * same message echoed in a later request must get the same one.
 */
export function pieceFingerprint(hash: DetectorHash, header: string, piece: string): string {
  return hash.digest(header + piece)
}

/** The canonical piece of one message (a reply to bind). */
export function pieceOf(m: ChatMessage, cfg: CanonicalConfig): string {
  const piece = directPiece(m, cfg)
  return piece === undefined || piece.indexOf('\r') !== -1 ? messagePiece(m, cfg, 0) : piece
}

function hasCR(segments: readonly string[]): boolean {
  for (const s of segments) if (s.indexOf('\r') !== -1) return true
  return false
}

// Bits XORed into the raw fingerprint (below bit 30, above bit 0) per form of the prompt, so the
// same text sent as a system message, a developer message or a top-level string differs.
const TOP_LEVEL_FORM = 0x2aaa_aaa8
const SYSTEM_FORM = 0x1555_5554
const DEVELOPER_FORM = 0x3c3c_3c3c

function fp30(digest: string): number {
  return (word(digest, 0) & 0x3fffffff) | 1
}

// The prompt as sent, when it is one plain text: the string content of a single system (or
// developer) message, or a top-level string. Hashed as it is (no copy with a lead character):
// the *_FORM bits tell the forms apart.
function rawSystem(
  system: unknown,
  messages: readonly ChatMessage[],
  offset: number,
  cfg: CanonicalConfig,
): string | undefined {
  if ((system === undefined || system === null || system === '') && offset === 1) {
    const m = messages[0]!
    return typeof m.content !== 'string' || hasHashedExtras(m, cfg) ? undefined : m.content
  }
  return offset === 0 && typeof system === 'string' ? system : undefined
}
