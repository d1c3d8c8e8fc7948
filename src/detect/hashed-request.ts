import { type CanonicalConfig, messagePiece, systemText } from './canonical.js'
import { RequestChain } from './chain.js'
import { type DetectorHash, probeKey } from './hash.js'
import { word } from './key-index.js'
import { systemPrefixLength } from './request.js'
import type { ChatMessage, DetectRequest } from './types.js'

/** A request canonicalised and hashed: what placement reads. */
export interface HashedRequest {
  readonly tenant: string
  readonly messages: readonly ChatMessage[]
  /** Index in `messages` of the first conversation message (after the system prompt). */
  readonly offset: number
  /** Conversation messages (the request's position). */
  readonly n: number
  readonly pieces: readonly string[]
  /** Position (1-based) of the first assistant message, 0 when there is none. */
  readonly firstAssistant: number
  /** A 30-bit fingerprint of the system prompt (it only flags changes), 0 when there is none. */
  readonly sysFp: number
  /** Seed and tenant, fed before the messages and before each fingerprint. */
  readonly header: string
  readonly chain: RequestChain
  /** Lowest position worth probing. */
  readonly lowest: number
  readonly reset: boolean
  readonly now: number
  /** Code units hashed for this request so far. */
  bytes: number
}

/**
 * Canonicalises and hashes a request. Positions below the first assistant message (less one) are
 * never probed: a prefix without any reply identifies nobody, only the whole request can be a
 * retry. Without any assistant message only the request itself is probed.
 */
export function hashRequest(
  request: DetectRequest,
  cfg: CanonicalConfig,
  hash: DetectorHash,
  seed: string,
  maxProbe: number,
  reset: boolean,
  now: number,
): HashedRequest {
  const messages = request.messages
  const tenant = request.tenant ?? ''
  const offset = systemPrefixLength(messages)
  const sys = systemText(request.system, messages, offset, cfg)
  const n = messages.length - offset
  const pieces = new Array<string>(n)
  let firstAssistant = 0
  for (let i = 0; i < n; i++) {
    const m = messages[offset + i]!
    pieces[i] = messagePiece(m, cfg, offset + i)
    if (firstAssistant === 0 && m.role === 'assistant') firstAssistant = i + 1
  }
  const header = `${seed}\u0000${tenant.length}:${tenant}\u0000`
  const lowest = firstAssistant === 0 ? n : Math.max(1, firstAssistant - 1, n - maxProbe + 1)
  const chain = new RequestChain(hash, header, pieces, lowest)
  return {
    tenant,
    messages,
    offset,
    n,
    pieces,
    firstAssistant,
    sysFp: sys === '' ? 0 : (word(hash.digest(sys), 0) & 0x3fffffff) | 1,
    header,
    chain,
    lowest,
    reset,
    now,
    bytes: sys.length,
  }
}

/** Role of the message at `position` (1-based) of the conversation. */
export function roleAt(req: HashedRequest, position: number): string {
  return req.messages[req.offset + position - 1]!.role
}

/** Fingerprint (probe form) of the message at `position`: tenant-salted, so tenants never share one. */
export function fingerprintAt(req: HashedRequest, hash: DetectorHash, position: number): string {
  const piece = req.pieces[position - 1]!
  req.bytes += req.header.length + piece.length
  return probeKey(hash.digest(req.header + piece))
}
