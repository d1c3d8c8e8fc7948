import type { DetectorCounters, EvictionReason } from './metrics.js'

/** Entry flag: a session's first state. It identifies nobody (identical openings), except for a retry. */
export const OPENING = 1
/** Entry flag: several sessions opened with this exact state. */
export const SHARED = 2
/** Entry flag: the state extended by a reply from `bindReply`, not yet confirmed by a request. */
export const REPLY = 4

/** One live session of the detector. Fields are the table's and the detector's working state. */
export class SessionRec {
  prev: SessionRec | undefined = undefined
  next: SessionRec | undefined = undefined
  /** System prompt fingerprint (`''` when none). */
  sysFp = ''
  /** The opening got an answer (a bound reply or a continuation), so a repeat of it is someone else. */
  answered = false
  /** Current branch, branches made so far, and the position of the current branch's last request. */
  branch = 0
  branches = 1
  tip = 0
  /** Messages seen in this session, all branches. */
  length = 0
  /** Ring of this session's index keys with their position and `branch * 8 + flags`. */
  readonly keys: string[] = []
  readonly pos: number[] = []
  readonly tag: number[] = []
  keyHead = 0
  /** Ring of fingerprints of the replies the upstream gave in this session, oldest first from `replyHead`. */
  readonly replies: string[] = []
  replyHead = 0

  constructor(
    readonly id: string,
    readonly tenant: string,
    readonly slot: number,
    public lastSeen: number,
  ) {}
}

/**
 * The detector's bounded index: sessions in slots with an LRU list (most recent first, so with one
 * idle TTL the tail is also the first to expire), chain keys to (session, ring entry), and reply
 * fingerprints to the session that produced them. Removing a session costs O(its keys).
 */
export class SessionTable {
  /** Chain key -> `slot * maxKeys + ring index`. */
  readonly index = new Map<string, number>()
  /** Reply fingerprint -> `slot * 2 + (1 when several sessions produced it)`. */
  readonly replyIndex = new Map<string, number>()
  readonly #byId = new Map<string, SessionRec>()
  readonly #slots: (SessionRec | undefined)[] = []
  readonly #free: number[] = []
  #head: SessionRec | undefined = undefined
  #tail: SessionRec | undefined = undefined

  constructor(
    readonly maxSessions: number,
    readonly idleMs: number,
    readonly maxKeys: number,
    readonly replyWindow: number,
    readonly counters: DetectorCounters,
  ) {}

  get size(): number {
    return this.#byId.size
  }

  byId(id: string): SessionRec | undefined {
    return this.#byId.get(id)
  }

  /** The session and ring index a chain key points to. */
  entry(key: string): { readonly s: SessionRec; readonly i: number } | undefined {
    const v = this.index.get(key)
    if (v === undefined) return undefined
    const slot = Math.floor(v / this.maxKeys)
    return { s: this.#slots[slot]!, i: v - slot * this.maxKeys }
  }

  create(id: string, tenant: string, now: number): SessionRec {
    if (this.#byId.size >= this.maxSessions && this.#tail !== undefined) this.remove(this.#tail, 'capacity')
    const slot = this.#free.pop() ?? this.#slots.length
    const s = new SessionRec(id, tenant, slot, now)
    this.#slots[slot] = s
    this.#byId.set(id, s)
    this.#pushHead(s)
    this.counters.totalCreated++
    return s
  }

  /** Marks `s` used now (moves it to the head of the LRU list). */
  touch(s: SessionRec, now: number): void {
    s.lastSeen = now
    if (this.#head === s) return
    this.#unlink(s)
    this.#pushHead(s)
  }

  /** Drops every session idle for `idleMs` or more; O(sessions dropped). */
  sweep(now: number): void {
    while (this.#tail !== undefined && now - this.#tail.lastSeen >= this.idleMs)
      this.remove(this.#tail, 'idle')
  }

  remove(s: SessionRec, reason: EvictionReason): void {
    if (this.#slots[s.slot] !== s) return
    const base = s.slot * this.maxKeys
    for (let i = 0; i < s.keys.length; i++) {
      const key = s.keys[i]!
      if (this.index.get(key) === base + i) this.index.delete(key)
    }
    for (const fp of s.replies) {
      const v = this.replyIndex.get(fp)
      if (v !== undefined && Math.floor(v / 2) === s.slot) this.replyIndex.delete(fp)
    }
    if (this.#byId.get(s.id) === s) this.#byId.delete(s.id)
    this.#slots[s.slot] = undefined
    this.#free.push(s.slot)
    this.#unlink(s)
    this.counters.evictions[reason]++
  }

  /**
   * Points `key` at `s` (taking it from another session that had it), in `s`'s ring of keys.
   * Returns `false` when `s` already had it (its position and tag are updated).
   */
  addKey(s: SessionRec, key: string, pos: number, tag: number): boolean {
    const base = s.slot * this.maxKeys
    const v = this.index.get(key)
    if (v !== undefined && v >= base && v < base + this.maxKeys) {
      s.pos[v - base] = pos
      s.tag[v - base] = tag
      return false
    }
    // Another session has this exact state (identical openings, or identical openings and answers):
    // it identifies neither of them any more.
    if (v !== undefined) tag |= SHARED
    let i: number
    if (s.keys.length < this.maxKeys) {
      i = s.keys.length
      s.keys.push(key)
      s.pos.push(pos)
      s.tag.push(tag)
    } else {
      i = s.keyHead
      s.keyHead = (i + 1) % this.maxKeys
      const old = s.keys[i]!
      if (this.index.get(old) === base + i) this.index.delete(old)
      s.keys[i] = key
      s.pos[i] = pos
      s.tag[i] = tag
    }
    this.index.set(key, base + i)
    return true
  }

  /** Records a reply the upstream gave in `s`; a fingerprint two sessions produced identifies neither. */
  addReply(s: SessionRec, fp: string): void {
    const n = s.replies.length
    if (n > 0 && s.replies[(s.replyHead + n - 1) % n] === fp) return
    const v = this.replyIndex.get(fp)
    if (v === undefined) this.replyIndex.set(fp, s.slot * 2)
    else if (Math.floor(v / 2) !== s.slot) this.replyIndex.set(fp, s.slot * 2 + 1)
    if (n < this.replyWindow) {
      s.replies.push(fp)
      return
    }
    const old = s.replies[s.replyHead]!
    s.replies[s.replyHead] = fp
    s.replyHead = (s.replyHead + 1) % this.replyWindow
    // The fingerprint may still be in the ring (a repeated answer): keep it indexed then.
    if (old !== fp && !s.replies.includes(old)) {
      const o = this.replyIndex.get(old)
      if (o !== undefined && Math.floor(o / 2) === s.slot) this.replyIndex.delete(old)
    }
  }

  /** The one session that produced reply `fp`, if exactly one did and it is still live. */
  replyOwner(fp: string): SessionRec | undefined {
    const v = this.replyIndex.get(fp)
    if (v === undefined || v % 2 === 1) return undefined
    return this.#slots[v / 2]
  }

  /** `s`'s reply fingerprints, oldest first. */
  orderedReplies(s: SessionRec): string[] {
    const n = s.replies.length
    if (n < this.replyWindow || s.replyHead === 0) return s.replies.slice()
    return [...s.replies.slice(s.replyHead), ...s.replies.slice(0, s.replyHead)]
  }

  /** Position of the last request on `branch` of `s` (0 when none is indexed any more). */
  tipOf(s: SessionRec, branch: number): number {
    if (branch === s.branch) return s.tip
    let tip = 0
    for (let i = 0; i < s.keys.length; i++) {
      const tag = s.tag[i]!
      if (Math.floor(tag / 8) === branch && (tag & REPLY) === 0 && s.pos[i]! > tip) tip = s.pos[i]!
    }
    return tip
  }

  #pushHead(s: SessionRec): void {
    s.prev = undefined
    s.next = this.#head
    if (this.#head !== undefined) this.#head.prev = s
    this.#head = s
    if (this.#tail === undefined) this.#tail = s
  }

  #unlink(s: SessionRec): void {
    if (s.prev !== undefined) s.prev.next = s.next
    else if (this.#head === s) this.#head = s.next
    if (s.next !== undefined) s.next.prev = s.prev
    else if (this.#tail === s) this.#tail = s.prev
    s.prev = undefined
    s.next = undefined
  }
}
