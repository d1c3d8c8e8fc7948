import { createSessionId } from '../ids.js'
import { type FuzzyConfig, type FuzzyMatch, fuzzyMatch } from './fuzzy.js'
import { ownKey } from './hash.js'
import { fingerprintAt, type HashedRequest, roleAt, sketchAt, systemFp } from './hashed-request.js'
import type { DetectorCounters } from './metrics.js'
import { OPENING, REPLY, type SessionTable, SHARED } from './session-table.js'
import type { DetectionKind } from './types.js'

/** Where a request went. */
export interface Placement {
  /** The session's slot in the table. */
  readonly s: number
  readonly kind: DetectionKind
  readonly branch: number
  readonly newMessages: number
  readonly similarity: number
  readonly systemChanged: boolean
  readonly previousSessionId: string | undefined
}

/** What placement needs from the options. */
export interface PlacementConfig {
  readonly retryWindowMs: number
  readonly splitResets: boolean
  readonly fuzzy: FuzzyConfig | undefined
}

/**
 * Decides the session and kind of a hashed request, and updates the index: probes the request's
 * prefix hashes newest first (the request, the two states before it, its last answer's; see
 * `probePositions`), classifies the first hit, falls back to fuzzy matching, else opens a session.
 */
export class Placer {
  /** The entry ids of the first two probes. */
  readonly #firstTwo = new Int32Array(2)

  constructor(
    readonly table: SessionTable,
    readonly counters: DetectorCounters,
    readonly cfg: PlacementConfig,
  ) {}

  place(req: HashedRequest): Placement {
    const table = this.table
    const n = req.n
    const tenant = table.codeOf(req.tenant)
    // A request with a reply in it is nearly always a turn after bindReply, found at n - 1: that
    // key is digested first and both are looked up together, so that the two reads of the index
    // (cache misses, with many sessions) overlap instead of following each other.
    const two = this.#firstTwo
    const probes = req.probes
    if (probes.length > 1) table.index.findTwo(req.chain.key(n), req.chain.key(probes[1]!), two)
    else two[0] = table.index.find(req.chain.key(n))
    for (let i = 0; i < probes.length; i++) {
      const p = probes[i]!
      const id = i < 2 ? two[i]! : table.index.find(req.chain.key(p))
      if (id < 0) continue
      const s = table.sessionOf(id)
      if (table.tenantCode(s) !== tenant || table.index.pos(id) !== p) continue
      const tag = table.index.tag(id)
      const branch = Math.floor(tag / 8)
      if ((tag & OPENING) !== 0) {
        // An opening identifies nobody: identical openings of different users hash alike.
        if (p === req.n) {
          const fresh =
            table.answered(s) ||
            !sameSystem(table, s, req) ||
            req.now - table.lastSeen(s) > this.cfg.retryWindowMs
          return fresh ? this.#open(req, OPENING) : this.#retry(s, branch, req)
        }
        // Its answer, echoed back, places the request only if one session sent that opening.
        if (roleAt(req, p + 1) !== 'assistant') break
      }
      // Several sessions reached this exact state (SHARED): it cannot tell them apart.
      if ((tag & SHARED) !== 0) break
      const tip = table.tipOf(s, branch)
      if (p === req.n && (tag & REPLY) === 0 && p === tip) return this.#retry(s, branch, req)
      if (p >= tip) return this.#advance(s, p, branch, req, false)
      // Behind the latest position. A real fork's first request adds no reply; replies after the
      // hit are an edited history carried on (a changed earlier message): fuzzy, when it scores.
      if (this.#hasReplyAfter(req, p)) {
        const found = this.#fuzzyFind(req)
        if (found !== undefined) return this.#fuzzyPlace(req, found.m, found.positions, found.fps)
      }
      return this.#advance(s, p, branch, req, true)
    }
    const found = this.#fuzzyFind(req)
    return found === undefined
      ? this.#open(req, OPENING)
      : this.#fuzzyPlace(req, found.m, found.positions, found.fps)
  }

  #hasReplyAfter(req: HashedRequest, p: number): boolean {
    for (let q = p + 1; q <= req.n; q++) if (roleAt(req, q) === 'assistant') return true
    return false
  }

  #retry(s: number, branch: number, req: HashedRequest): Placement {
    if (branch !== this.table.branch(s)) this.table.setBranch(s, branch, this.table.tipOf(s, branch))
    const systemChanged = this.#noteSystem(s, req)
    this.table.touch(s, req.now)
    return this.#placed(s, 'retry', branch, 0, 1, systemChanged)
  }

  // Continue (or fork) `s` from its state at `p` with the request's messages p+1..n.
  #advance(s: number, p: number, branch: number, req: HashedRequest, fork: boolean): Placement {
    const n = req.n
    const b = fork ? this.table.newBranch(s) : branch
    const split = req.reset && p < n && this.cfg.splitResets
    const upTo = split ? n - 1 : n
    if (p === n) this.table.addKey(s, req.chain.key(n), n, b * 8)
    // The states a later request may probe (see probePositions), and every reply for fuzzy matching.
    for (let q = p + 1; q <= upTo; q++) {
      if (req.chain.has(q)) this.table.addKey(s, req.chain.key(q), q, b * 8)
      if (roleAt(req, q) === 'assistant') {
        this.table.addReply(s, ownKey(fingerprintAt(req, q)), sketchAt(req, q))
      }
    }
    this.table.setBranch(s, b, upTo)
    this.table.setAnswered(s)
    this.#grow(s, Math.max(0, upTo - p))
    const systemChanged = this.#noteSystem(s, req)
    this.table.touch(s, req.now)
    if (split) return this.#split(s, req, 1, systemChanged)
    const kind = req.reset && p < n ? 'reset' : fork ? 'fork' : 'continued'
    return this.#placed(s, kind, b, n - p, 1, systemChanged)
  }

  // Fingerprints of the request's last `window` assistant messages, and the session they place it in.
  #fuzzyFind(req: HashedRequest): { m: FuzzyMatch; fps: string[]; positions: number[] } | undefined {
    const fuzzy = this.cfg.fuzzy
    if (fuzzy === undefined || req.firstAssistant === 0) return undefined
    const positions: number[] = []
    let indexed = false
    for (let q = req.n; q >= req.firstAssistant && positions.length < fuzzy.window; q--) {
      if (roleAt(req, q) !== 'assistant') continue
      positions.push(q)
      indexed ||= this.table.sketches.has(sketchAt(req, q))
    }
    // No reply of the request is in any session's ring: no candidate, and no digest to compute.
    if (!indexed) return undefined
    positions.reverse()
    const fps = positions.map((q) => fingerprintAt(req, q))
    const m = fuzzyMatch(this.table, req.tenant, fps, fuzzy)
    return m === undefined ? undefined : { m, fps, positions }
  }

  #fuzzyPlace(
    req: HashedRequest,
    m: FuzzyMatch,
    positions: readonly number[],
    fps: readonly string[],
  ): Placement {
    const s = m.s
    const table = this.table
    // Replies after the anchor are the upstream's answers the session has not seen yet.
    for (let k = m.anchor + 1; k < fps.length; k++) {
      this.table.addReply(s, ownKey(fps[k]!), sketchAt(req, positions[k]!))
    }
    const n = req.n
    const split = req.reset && this.cfg.splitResets
    const upTo = split ? n - 1 : n
    if (upTo >= 1) table.addKey(s, req.chain.key(upTo), upTo, table.branch(s) * 8)
    table.setBranch(s, table.branch(s), upTo)
    table.setAnswered(s)
    const anchorPos = positions[m.anchor]!
    this.#grow(s, Math.max(0, upTo - anchorPos))
    const systemChanged = this.#noteSystem(s, req)
    this.table.touch(s, req.now)
    if (split) return this.#split(s, req, m.similarity, systemChanged)
    return this.#placed(
      s,
      req.reset ? 'reset' : 'fuzzy',
      table.branch(s),
      n - anchorPos,
      m.similarity,
      systemChanged,
    )
  }

  // A new session that starts with the request (a first turn, or a conversation we never saw).
  #open(req: HashedRequest, flags: number): Placement {
    const s = this.table.create(createSessionId(), req.tenant, req.now)
    this.table.setSystem(s, systemFp(req), req.rawSysFp)
    this.table.setBranch(s, 0, req.n)
    this.#grow(s, req.n)
    this.table.addKey(s, req.chain.key(req.n), req.n, flags)
    return this.#placed(s, req.firstAssistant === 0 ? 'new' : 'fragmented', 0, req.n, 0, false)
  }

  // A reset in split mode: a new session takes the request; its prefix holds the old session's
  // replies, so it is not an opening (a later turn finds it like any other state).
  #split(from: number, req: HashedRequest, similarity: number, systemChanged: boolean): Placement {
    const r = this.table.create(createSessionId(), req.tenant, req.now)
    this.table.setSystem(r, this.table.sysFp(from), this.table.rawSysFp(from))
    this.table.setBranch(r, 0, req.n)
    this.#grow(r, 1)
    this.table.addKey(r, req.chain.key(req.n), req.n, 0)
    const placed = this.#placed(r, 'reset', 0, 1, similarity, systemChanged)
    return { ...placed, previousSessionId: this.table.id(from) }
  }

  #placed(
    s: number,
    kind: DetectionKind,
    branch: number,
    newMessages: number,
    similarity: number,
    systemChanged: boolean,
  ): Placement {
    this.counters.placed(kind)
    return { s, kind, branch, newMessages, similarity, systemChanged, previousSessionId: undefined }
  }

  #noteSystem(s: number, req: HashedRequest): boolean {
    if (sameSystem(this.table, s, req)) {
      this.table.setSystem(s, this.table.sysFp(s), req.rawSysFp)
      return false
    }
    this.table.setSystem(s, systemFp(req), req.rawSysFp)
    this.counters.systemChanged++
    return true
  }

  #grow(s: number, added: number): void {
    this.counters.grew(added, this.table.grow(s, added))
  }
}

// The prompt as sent is the session's last one (no blanking needed), or its blanked form is.
function sameSystem(table: SessionTable, s: number, req: HashedRequest): boolean {
  return (req.rawSysFp !== 0 && req.rawSysFp === table.rawSysFp(s)) || systemFp(req) === table.sysFp(s)
}
