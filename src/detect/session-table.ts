import { KeyIndex } from './key-index.js'
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
  /** System prompt fingerprint (30 bits, odd; 0 when none): a Smi kept in the object. */
  sysFp = 0
  /** The opening got an answer (a bound reply or a continuation), so a repeat of it is someone else. */
  answered = false
  /** Current branch, branches made so far, and the position of the current branch's last request. */
  branch = 0
  branches = 1
  tip = 0
  /** Messages seen in this session, all branches. */
  length = 0
  /** Keys in this session's ring (the table's ring store) and where the next one goes once full. */
  keyCount = 0
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
 * idle TTL the tail is also the first to expire), chain keys to (session, position, tag), and reply
 * fingerprints to the session that produced them. Removing a session costs O(its keys).
 */
export class SessionTable {
  /** Chain keys; an entry belongs to session `slot` at ring index `ring`. */
  readonly index = new KeyIndex()
  /** Reply fingerprint -> `slot * 2 + (1 when several sessions produced it)`. */
  readonly replyIndex = new Map<string, number>()
  readonly #byId = new Map<string, SessionRec>()
  readonly #slots: (SessionRec | undefined)[] = []
  /** Each slot's ring of key entry ids, `maxKeys` apart: one typed array, no array per session. */
  #ring = new Int32Array(0)
  /** One string per tenant, so sessions share it (memory, and a compare that stays in cache). */
  readonly #tenants = new Map<string, string>()
  readonly #free: number[] = []
  #head: SessionRec | undefined = undefined
  #tail: SessionRec | undefined = undefined
  /** The tail's lastSeen, kept here so the sweep on every request does not read a cold object. */
  #tailSeen = 0

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

  /** The session of entry `id` of the index. */
  sessionOf(id: number): SessionRec {
    return this.#slots[this.index.slot(id)]!
  }

  create(id: string, tenant: string, now: number): SessionRec {
    if (this.#byId.size >= this.maxSessions && this.#tail !== undefined) this.remove(this.#tail, 'capacity')
    const slot = this.#free.pop() ?? this.#slots.length
    if ((slot + 1) * this.maxKeys > this.#ring.length) {
      const bigger = new Int32Array(Math.max(64, (slot + 1) * 2) * this.maxKeys)
      bigger.set(this.#ring)
      this.#ring = bigger
    }
    let shared = this.#tenants.get(tenant)
    if (shared === undefined) {
      shared = tenant
      if (this.#tenants.size < 65_536) this.#tenants.set(tenant, tenant)
    }
    const s = new SessionRec(id, shared, slot, now)
    this.#slots[slot] = s
    this.#byId.set(id, s)
    this.#pushHead(s)
    this.counters.totalCreated++
    return s
  }

  /** Marks `s` used now (moves it to the head of the LRU list). */
  touch(s: SessionRec, now: number): void {
    s.lastSeen = now
    if (this.#tail === s) this.#tailSeen = now
    if (this.#head === s) return
    this.#unlink(s)
    this.#pushHead(s)
  }

  /** Drops every session idle for `idleMs` or more; O(sessions dropped). */
  sweep(now: number): void {
    while (this.#tail !== undefined && now - this.#tailSeen >= this.idleMs) this.remove(this.#tail, 'idle')
  }

  remove(s: SessionRec, reason: EvictionReason): void {
    if (this.#slots[s.slot] !== s) return
    for (let i = 0; i < s.keyCount; i++) this.#dropOwned(s, i)
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
    const index = this.index
    const id = index.find(key)
    if (id >= 0 && index.slot(id) === s.slot) {
      index.set(id, s.slot, pos, tag, index.ring(id))
      return false
    }
    let i: number
    if (s.keyCount < this.maxKeys) {
      i = s.keyCount++
    } else {
      i = s.keyHead
      s.keyHead = (i + 1) % this.maxKeys
      this.#dropOwned(s, i)
    }
    if (id >= 0) {
      // Another session has this exact state (identical openings, or identical openings and
      // answers): it identifies neither of them any more.
      index.set(id, s.slot, pos, tag | SHARED, i)
      this.#ring[s.slot * this.maxKeys + i] = id
    } else {
      this.#ring[s.slot * this.maxKeys + i] = index.insert(key, s.slot, pos, tag, i)
    }
    return true
  }

  // Removes the entry at ring index i of `s` from the index if it is still s's (not taken over).
  #dropOwned(s: SessionRec, i: number): void {
    const id = this.#ring[s.slot * this.maxKeys + i]!
    if (this.index.slot(id) === s.slot && this.index.ring(id) === i) this.index.remove(id)
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
    const index = this.index
    let tip = 0
    for (let i = 0; i < s.keyCount; i++) {
      const id = this.#ring[s.slot * this.maxKeys + i]!
      if (index.slot(id) !== s.slot || index.ring(id) !== i) continue
      const tag = index.tag(id)
      if (Math.floor(tag / 8) === branch && (tag & REPLY) === 0 && index.pos(id) > tip) tip = index.pos(id)
    }
    return tip
  }

  #pushHead(s: SessionRec): void {
    s.prev = undefined
    s.next = this.#head
    if (this.#head !== undefined) this.#head.prev = s
    this.#head = s
    if (this.#tail === undefined) {
      this.#tail = s
      this.#tailSeen = s.lastSeen
    }
  }

  #unlink(s: SessionRec): void {
    if (s.prev !== undefined) s.prev.next = s.next
    else if (this.#head === s) this.#head = s.next
    if (s.next !== undefined) s.next.prev = s.prev
    else if (this.#tail === s) {
      this.#tail = s.prev
      if (s.prev !== undefined) this.#tailSeen = s.prev.lastSeen
    }
    s.prev = undefined
    s.next = undefined
  }
}
