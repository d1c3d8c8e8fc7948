import { createSessionId } from '../ids.js'
import { type FuzzyConfig, type FuzzyMatch, fuzzyMatch } from './fuzzy.js'
import { type DetectorHash, ownKey } from './hash.js'
import { fingerprintAt, type HashedRequest, roleAt } from './hashed-request.js'
import type { DetectorCounters } from './metrics.js'
import { OPENING, REPLY, type SessionRec, type SessionTable, SHARED } from './session-table.js'
import type { DetectionKind } from './types.js'

/** Where a request went. */
export interface Placement {
  readonly s: SessionRec
  readonly kind: DetectionKind
  readonly branch: number
  readonly newMessages: number
  readonly similarity: number
  readonly systemChanged: boolean
  readonly previousSessionId: string | undefined
}

/** What placement needs from the options. */
export interface PlacementConfig {
  readonly hash: DetectorHash
  readonly retryWindowMs: number
  readonly splitResets: boolean
  readonly fuzzy: FuzzyConfig | undefined
}

/**
 * Decides the session and kind of a hashed request, and updates the index: probes prefix hashes
 * from the last message backward (O(new messages) in the common case), classifies the first hit,
 * falls back to fuzzy matching, else opens a session.
 */
export class Placer {
  constructor(
    readonly table: SessionTable,
    readonly counters: DetectorCounters,
    readonly cfg: PlacementConfig,
  ) {}

  place(req: HashedRequest): Placement {
    for (let p = req.n; p >= req.lowest; p--) {
      const id = this.table.index.find(req.chain.key(p))
      if (id < 0) continue
      const s = this.table.sessionOf(id)
      if (s.tenant !== req.tenant || this.table.index.pos(id) !== p) continue
      const tag = this.table.index.tag(id)
      const branch = Math.floor(tag / 8)
      if ((tag & OPENING) !== 0) {
        // An opening identifies nobody: identical openings of different users hash alike.
        if (p === req.n) {
          const fresh = s.answered || s.sysFp !== req.sysFp || req.now - s.lastSeen > this.cfg.retryWindowMs
          return fresh ? this.#open(req, OPENING) : this.#retry(s, branch, req)
        }
        // Its answer, echoed back, places the request only if one session sent that opening.
        if (roleAt(req, p + 1) !== 'assistant') break
      }
      // Several sessions reached this exact state (SHARED): it cannot tell them apart.
      if ((tag & SHARED) !== 0) break
      const tip = this.table.tipOf(s, branch)
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

  #retry(s: SessionRec, branch: number, req: HashedRequest): Placement {
    if (branch !== s.branch) {
      s.tip = this.table.tipOf(s, branch)
      s.branch = branch
    }
    const systemChanged = this.#noteSystem(s, req)
    this.table.touch(s, req.now)
    return this.#placed(s, 'retry', branch, 0, 1, systemChanged)
  }

  // Continue (or fork) `s` from its state at `p` with the request's messages p+1..n.
  #advance(s: SessionRec, p: number, branch: number, req: HashedRequest, fork: boolean): Placement {
    const n = req.n
    const b = fork ? s.branches++ : branch
    const split = req.reset && p < n && this.cfg.splitResets
    const upTo = split ? n - 1 : n
    if (p === n) this.table.addKey(s, req.chain.key(n), n, b * 8)
    for (let q = p + 1; q <= upTo; q++) {
      this.table.addKey(s, req.chain.key(q), q, b * 8)
      if (roleAt(req, q) === 'assistant') this.table.addReply(s, ownKey(fingerprintAt(req, this.cfg.hash, q)))
    }
    s.branch = b
    s.tip = upTo
    s.answered = true
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
    const fps: string[] = []
    const positions: number[] = []
    for (let q = req.n; q >= req.firstAssistant && fps.length < fuzzy.window; q--) {
      if (roleAt(req, q) !== 'assistant') continue
      fps.push(fingerprintAt(req, this.cfg.hash, q))
      positions.push(q)
    }
    fps.reverse()
    positions.reverse()
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
    // Replies after the anchor are the upstream's answers the session has not seen yet.
    for (let k = m.anchor + 1; k < fps.length; k++) this.table.addReply(s, ownKey(fps[k]!))
    const n = req.n
    const split = req.reset && this.cfg.splitResets
    const upTo = split ? n - 1 : n
    if (upTo >= 1) this.table.addKey(s, req.chain.key(upTo), upTo, s.branch * 8)
    s.tip = upTo
    s.answered = true
    const anchorPos = positions[m.anchor]!
    this.#grow(s, Math.max(0, upTo - anchorPos))
    const systemChanged = this.#noteSystem(s, req)
    this.table.touch(s, req.now)
    if (split) return this.#split(s, req, m.similarity, systemChanged)
    return this.#placed(
      s,
      req.reset ? 'reset' : 'fuzzy',
      s.branch,
      n - anchorPos,
      m.similarity,
      systemChanged,
    )
  }

  // A new session that starts with the request (a first turn, or a conversation we never saw).
  #open(req: HashedRequest, flags: number): Placement {
    const s = this.table.create(createSessionId(), req.tenant, req.now)
    s.sysFp = req.sysFp
    s.tip = req.n
    this.#grow(s, req.n)
    this.table.addKey(s, req.chain.key(req.n), req.n, flags)
    return this.#placed(s, req.firstAssistant === 0 ? 'new' : 'fragmented', 0, req.n, 0, false)
  }

  // A reset in split mode: a new session takes the request; its prefix holds the old session's
  // replies, so it is not an opening (a later turn finds it like any other state).
  #split(from: SessionRec, req: HashedRequest, similarity: number, systemChanged: boolean): Placement {
    const r = this.table.create(createSessionId(), req.tenant, req.now)
    r.sysFp = from.sysFp
    r.tip = req.n
    this.#grow(r, 1)
    this.table.addKey(r, req.chain.key(req.n), req.n, 0)
    const placed = this.#placed(r, 'reset', 0, 1, similarity, systemChanged)
    return { ...placed, previousSessionId: from.id }
  }

  #placed(
    s: SessionRec,
    kind: DetectionKind,
    branch: number,
    newMessages: number,
    similarity: number,
    systemChanged: boolean,
  ): Placement {
    this.counters.byKind[kind]++
    if (kind !== 'new' && kind !== 'fragmented') this.counters.hits++
    return { s, kind, branch, newMessages, similarity, systemChanged, previousSessionId: undefined }
  }

  #noteSystem(s: SessionRec, req: HashedRequest): boolean {
    if (s.sysFp === req.sysFp) return false
    s.sysFp = req.sysFp
    this.counters.systemChanged++
    return true
  }

  #grow(s: SessionRec, added: number): void {
    s.length += added
    this.counters.grew(added, s.length)
  }
}
