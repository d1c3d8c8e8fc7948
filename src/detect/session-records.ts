// A session's numbers: a 64-byte record per slot (16 int32 words), so a lookup that lands on a
// session reads one cache line, and moving it in the LRU list writes its neighbours' records
// without reading any object. The ring of the session's index keys follows its record, in the
// same memory page: adding a key does not walk the page tables again (a separate array of rings
// did, one time in two with 100,000 sessions).
const WORDS = 16
const PREV = 0
const NEXT = 1
const SYS_FP = 2
const RAW_SYS_FP = 3
const ANSWERED = 4
const BRANCH = 5
const BRANCHES = 6
const TIP = 7
const LENGTH = 8
const KEY_COUNT = 9
const KEY_HEAD = 10
const REPLY_HEAD = 11
const TENANT = 12
/** `lastSeen` is a float64 in words 14 and 15. */
const LAST_SEEN = 7
/** No session (an empty LRU end, a missing slot). */
export const NONE = -1

/**
 * The numbers of every live session, by slot, in one typed array, with the LRU list through them
 * (most recent first, so with one idle TTL the tail is also the first to expire), and each
 * session's ring of `ringSize` index key ids. `SessionTable` adds what is not a number.
 */
export class SessionRecords {
  #rec = new Int32Array(0)
  #seen = new Float64Array(0)
  /** Words per slot: the record, then the ring, rounded up to whole cache lines. */
  readonly #stride: number
  #capacity = 0
  #head = NONE
  #tail = NONE
  /** The tail's lastSeen, kept here so the sweep on every request does not read a cold record. */
  #tailSeen = 0

  constructor(readonly ringSize: number) {
    this.#stride = WORDS + Math.ceil(ringSize / WORDS) * WORDS
  }

  /** The least recently used session, or -1. */
  get tail(): number {
    return this.#tail
  }
  /** When the least recently used session was last seen. */
  get tailSeen(): number {
    return this.#tailSeen
  }

  /** The session's tenant, as the table's code for it. */
  tenantCode(s: number): number {
    return this.#rec[s * this.#stride + TENANT]!
  }
  sysFp(s: number): number {
    return this.#rec[s * this.#stride + SYS_FP]!
  }
  rawSysFp(s: number): number {
    return this.#rec[s * this.#stride + RAW_SYS_FP]!
  }
  /** The opening got an answer (a bound reply or a continuation), so a repeat of it is someone else. */
  answered(s: number): boolean {
    return this.#rec[s * this.#stride + ANSWERED] === 1
  }
  /** Current branch, and the position of its last request. */
  branch(s: number): number {
    return this.#rec[s * this.#stride + BRANCH]!
  }
  tip(s: number): number {
    return this.#rec[s * this.#stride + TIP]!
  }
  /** Messages seen in this session, all branches. */
  length(s: number): number {
    return this.#rec[s * this.#stride + LENGTH]!
  }
  lastSeen(s: number): number {
    return this.#seen[s * (this.#stride / 2) + LAST_SEEN]!
  }
  /** Keys in the session's ring, where the next one goes once it is full, and its reply ring's head. */
  keyCount(s: number): number {
    return this.#rec[s * this.#stride + KEY_COUNT]!
  }
  keyHead(s: number): number {
    return this.#rec[s * this.#stride + KEY_HEAD]!
  }
  replyHead(s: number): number {
    return this.#rec[s * this.#stride + REPLY_HEAD]!
  }

  setSystem(s: number, sysFp: number, rawSysFp: number): void {
    this.#rec[s * this.#stride + SYS_FP] = sysFp
    this.#rec[s * this.#stride + RAW_SYS_FP] = rawSysFp
  }
  setAnswered(s: number): void {
    this.#rec[s * this.#stride + ANSWERED] = 1
  }
  setBranch(s: number, branch: number, tip: number): void {
    this.#rec[s * this.#stride + BRANCH] = branch
    this.#rec[s * this.#stride + TIP] = tip
  }
  /** A new branch id for `s`. */
  newBranch(s: number): number {
    const b = this.#rec[s * this.#stride + BRANCHES]!
    this.#rec[s * this.#stride + BRANCHES] = b + 1
    return b
  }
  /** Adds `added` messages to `s`'s length and returns the new length. */
  grow(s: number, added: number): number {
    const length = this.#rec[s * this.#stride + LENGTH]! + added
    this.#rec[s * this.#stride + LENGTH] = length
    return length
  }
  setKeys(s: number, count: number, head: number): void {
    this.#rec[s * this.#stride + KEY_COUNT] = count
    this.#rec[s * this.#stride + KEY_HEAD] = head
  }
  /** Entry `i` of `s`'s ring of index key ids. */
  ringAt(s: number, i: number): number {
    return this.#rec[s * this.#stride + WORDS + i]!
  }
  setRing(s: number, i: number, id: number): void {
    this.#rec[s * this.#stride + WORDS + i] = id
  }
  setReplyHead(s: number, head: number): void {
    this.#rec[s * this.#stride + REPLY_HEAD] = head
  }

  /** A fresh record for `s` (branch 0 of 1, nothing seen), at the head of the LRU list. */
  protected initRecord(s: number, tenantCode: number, now: number): void {
    if (s >= this.#capacity) this.#reserve(s + 1)
    this.#rec.fill(0, s * this.#stride, s * this.#stride + WORDS)
    this.#rec[s * this.#stride + BRANCHES] = 1
    this.#rec[s * this.#stride + TENANT] = tenantCode
    this.#seen[s * (this.#stride / 2) + LAST_SEEN] = now
    this.#pushHead(s)
  }

  /** Marks `s` used now (moves it to the head of the LRU list). */
  touch(s: number, now: number): void {
    this.#seen[s * (this.#stride / 2) + LAST_SEEN] = now
    if (this.#tail === s) this.#tailSeen = now
    if (this.#head === s) return
    this.unlink(s)
    this.#pushHead(s)
  }

  /** Takes `s` out of the LRU list. */
  protected unlink(s: number): void {
    const r = s * this.#stride
    const prev = this.#rec[r + PREV]!
    const next = this.#rec[r + NEXT]!
    if (prev !== NONE) this.#rec[prev * this.#stride + NEXT] = next
    else if (this.#head === s) this.#head = next
    if (next !== NONE) this.#rec[next * this.#stride + PREV] = prev
    else if (this.#tail === s) {
      this.#tail = prev
      if (prev !== NONE) this.#tailSeen = this.lastSeen(prev)
    }
    this.#rec[r + PREV] = NONE
    this.#rec[r + NEXT] = NONE
  }

  #pushHead(s: number): void {
    const r = s * this.#stride
    this.#rec[r + PREV] = NONE
    this.#rec[r + NEXT] = this.#head
    if (this.#head !== NONE) this.#rec[this.#head * this.#stride + PREV] = s
    this.#head = s
    if (this.#tail === NONE) {
      this.#tail = s
      this.#tailSeen = this.lastSeen(s)
    }
  }

  // Grows by half again (not double: the slack is memory every session pays for).
  #reserve(slots: number): void {
    const capacity = Math.max(64, slots, Math.ceil(this.#capacity * 1.5))
    const rec = new Int32Array(capacity * this.#stride)
    rec.set(this.#rec)
    this.#rec = rec
    this.#seen = new Float64Array(rec.buffer)
    this.#capacity = capacity
  }
}
