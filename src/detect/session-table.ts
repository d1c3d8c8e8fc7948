import { KeyIndex } from './key-index.js'
import type { DetectorCounters, EvictionReason } from './metrics.js'
import { ReplySketches } from './reply-sketch.js'
import { NONE, SessionRecords } from './session-records.js'

/** Entry flag: a session's first state. It identifies nobody (identical openings), except for a retry. */
export const OPENING = 1
/** Entry flag: several sessions opened with this exact state. */
export const SHARED = 2
/** Entry flag: the state extended by a reply from `bindReply`, not yet confirmed by a request. */
export const REPLY = 4

/**
 * The detector's bounded index of sessions, by slot: the records (numbers and LRU list), chain
 * keys to (session, position, tag), and reply fingerprints to the session that produced them.
 * Removing a session costs O(its keys). Ids and reply fingerprints are strings in arrays by slot;
 * a session's tenant is a code in its record (compared without leaving the record's cache line).
 */
export class SessionTable extends SessionRecords {
  /** Chain keys; an entry belongs to session `slot` at ring index `ring`. */
  readonly index = new KeyIndex((slot, ring, position) => this.setRing(slot, ring, position))
  /** Reply fingerprint -> `slot * 2 + (1 when several sessions produced it)`. */
  readonly replyIndex = new Map<string, number>()
  /** Sketches of the replies in every session's ring (see `pieceSketch`). */
  readonly sketches = new ReplySketches()
  readonly #byId = new Map<string, number>()
  readonly #ids: (string | undefined)[] = []
  readonly #replies: (string[] | undefined)[] = []
  /** The sketch of each reply in `#replies`, at the same index. */
  readonly #replySketches: (number[] | undefined)[] = []
  /** Tenant codes of the live sessions, the names by code, and how many live sessions use each. */
  readonly #codes = new Map<string, number>()
  readonly #names: string[] = []
  readonly #uses: number[] = []
  readonly #freeCodes: number[] = []
  readonly #free: number[] = []
  #used = 0

  constructor(
    readonly maxSessions: number,
    readonly idleMs: number,
    readonly maxKeys: number,
    readonly replyWindow: number,
    readonly counters: DetectorCounters,
  ) {
    super(maxKeys)
  }

  get size(): number {
    return this.#byId.size
  }

  /** The slot of session `id`, or -1. */
  byId(id: string): number {
    return this.#byId.get(id) ?? NONE
  }

  /** The session (slot) of entry `id` of the index. */
  sessionOf(id: number): number {
    return this.index.slot(id)
  }

  id(s: number): string {
    return this.#ids[s]!
  }
  tenant(s: number): string {
    return this.#names[this.tenantCode(s)]!
  }
  /** The code of `tenant` if a live session has it, else -1 (no session can match). */
  codeOf(tenant: string): number {
    return this.#codes.get(tenant) ?? NONE
  }

  create(id: string, tenant: string, now: number): number {
    if (this.#byId.size >= this.maxSessions && this.tail !== NONE) this.remove(this.tail, 'capacity')
    const s = this.#free.pop() ?? this.#used++
    let code = this.#codes.get(tenant)
    if (code === undefined) {
      code = this.#freeCodes.pop() ?? this.#names.length
      this.#codes.set(tenant, code)
      this.#names[code] = tenant
      this.#uses[code] = 0
    }
    this.#uses[code]!++
    this.initRecord(s, code, now)
    this.#ids[s] = id
    this.#replies[s] = undefined
    this.#replySketches[s] = undefined
    this.#byId.set(id, s)
    this.counters.totalCreated++
    return s
  }

  /** Drops every session idle for `idleMs` or more; O(sessions dropped). */
  sweep(now: number): void {
    while (this.tail !== NONE && now - this.tailSeen >= this.idleMs) this.remove(this.tail, 'idle')
  }

  remove(s: number, reason: EvictionReason): void {
    const id = this.#ids[s]
    if (id === undefined) return
    const count = this.keyCount(s)
    for (let i = 0; i < count; i++) this.#dropOwned(s, i)
    for (const fp of this.#replies[s] ?? []) {
      const v = this.replyIndex.get(fp)
      if (v !== undefined && Math.floor(v / 2) === s) this.replyIndex.delete(fp)
    }
    for (const sketch of this.#replySketches[s] ?? []) this.sketches.remove(sketch)
    this.#replySketches[s] = undefined
    if (this.#byId.get(id) === s) this.#byId.delete(id)
    this.#ids[s] = undefined
    const code = this.tenantCode(s)
    if (--this.#uses[code]! === 0) {
      this.#codes.delete(this.#names[code]!)
      this.#names[code] = ''
      this.#freeCodes.push(code)
    }
    this.#replies[s] = undefined
    this.#free.push(s)
    this.unlink(s)
    this.counters.evicted(reason)
  }

  /**
   * Points `key` at `s` (taking it from another session that had it), in `s`'s ring of keys.
   * Returns `false` when `s` already had it (its position and tag are updated).
   */
  addKey(s: number, key: string, pos: number, tag: number): boolean {
    const index = this.index
    const id = index.find(key)
    if (id >= 0 && index.slot(id) === s) {
      index.set(id, s, pos, tag, index.ring(id))
      return false
    }
    let i = this.keyCount(s)
    if (i < this.maxKeys) {
      this.setKeys(s, i + 1, this.keyHead(s))
    } else {
      i = this.keyHead(s)
      this.setKeys(s, this.maxKeys, (i + 1) % this.maxKeys)
      this.#dropOwned(s, i)
    }
    if (id >= 0) {
      // Another session has this exact state (identical openings, or identical openings and
      // answers): it identifies neither of them any more. Dropping s's old key above may have
      // moved it in the index: find it again.
      const at = index.find(key)
      index.set(at, s, pos, tag | SHARED, i)
      this.setRing(s, i, at)
    } else {
      this.setRing(s, i, index.insert(key, s, pos, tag, i))
    }
    return true
  }

  // Removes the entry at ring index i of `s` from the index if it is still s's (not taken over).
  #dropOwned(s: number, i: number): void {
    const id = this.ringAt(s, i)
    if (this.index.slot(id) === s && this.index.ring(id) === i) this.index.remove(id)
  }

  /**
   * Records a reply the upstream gave in `s` (its fingerprint and the sketch of its piece); a
   * fingerprint two sessions produced identifies neither.
   */
  addReply(s: number, fp: string, sketch: number): void {
    let replies = this.#replies[s]
    let sketches = this.#replySketches[s]
    if (replies === undefined || sketches === undefined) {
      replies = []
      sketches = []
      this.#replies[s] = replies
      this.#replySketches[s] = sketches
    }
    const head = this.replyHead(s)
    const n = replies.length
    if (n > 0 && replies[(head + n - 1) % n] === fp) return
    const v = this.replyIndex.get(fp)
    if (v === undefined) this.replyIndex.set(fp, s * 2)
    else if (Math.floor(v / 2) !== s) this.replyIndex.set(fp, s * 2 + 1)
    this.sketches.add(sketch)
    if (n < this.replyWindow) {
      replies.push(fp)
      sketches.push(sketch)
      return
    }
    const old = replies[head]!
    replies[head] = fp
    this.sketches.remove(sketches[head]!)
    sketches[head] = sketch
    this.setReplyHead(s, (head + 1) % this.replyWindow)
    // The fingerprint may still be in the ring (a repeated answer): keep it indexed then.
    if (old !== fp && !replies.includes(old)) {
      const o = this.replyIndex.get(old)
      if (o !== undefined && Math.floor(o / 2) === s) this.replyIndex.delete(old)
    }
  }

  /** The one session that produced reply `fp`, if exactly one did and it is still live; else -1. */
  replyOwner(fp: string): number {
    const v = this.replyIndex.get(fp)
    if (v === undefined || v % 2 === 1) return NONE
    return this.#ids[v / 2] === undefined ? NONE : v / 2
  }

  /** `s`'s reply fingerprints, oldest first. */
  orderedReplies(s: number): string[] {
    const replies = this.#replies[s] ?? []
    const head = this.replyHead(s)
    if (replies.length < this.replyWindow || head === 0) return replies.slice()
    return [...replies.slice(head), ...replies.slice(0, head)]
  }

  /** Position of the last request on `branch` of `s` (0 when none is indexed any more). */
  tipOf(s: number, branch: number): number {
    if (branch === this.branch(s)) return this.tip(s)
    const index = this.index
    let tip = 0
    const count = this.keyCount(s)
    for (let i = 0; i < count; i++) {
      const id = this.ringAt(s, i)
      if (index.slot(id) !== s || index.ring(id) !== i) continue
      const tag = index.tag(id)
      if (Math.floor(tag / 8) === branch && (tag & REPLY) === 0 && index.pos(id) > tip) tip = index.pos(id)
    }
    return tip
  }
}
