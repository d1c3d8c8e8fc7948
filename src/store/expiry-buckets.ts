import type { MemoryRecord } from './memory-record.js'

/** Width of one expiry bucket: records are purged at most this late by the sweeper (reads check exactly). */
export const BUCKET_MS = 1000

/** The bucket a deadline falls in: bucket `k` holds deadlines in `((k - 1) * BUCKET_MS, k * BUCKET_MS]`. */
export function bucketOf(deadline: number): number {
  return Math.ceil(deadline / BUCKET_MS)
}

/**
 * Records filed by when they may next need attention, in one-second buckets, so purging expired
 * records needs neither a timer per record nor a scan of every record. A record sits in exactly
 * one bucket, at or before its deadline; moving a deadline later (touch) does not re-file it: the
 * sweeper re-files it when its old bucket comes due.
 */
export interface ExpiryBuckets {
  /** File `record` in the bucket of `deadline` (moving it out of its current one). */
  file(record: MemoryRecord, deadline: number): void
  /** File `record` earlier when `deadline` falls before its current bucket; later deadlines wait for the sweep. */
  fileEarlier(record: MemoryRecord, deadline: number): void
  remove(record: MemoryRecord): void
  /** Forgets every record. */
  clear(): void
  /**
   * Hands every record of every bucket due at `now` to `visit`, which must re-file or remove it.
   * The bucket holding `now` itself is visited too and kept.
   */
  sweep(now: number, visit: (record: MemoryRecord) => void): void
}

export function createExpiryBuckets(): ExpiryBuckets {
  const buckets = new Map<number, Set<MemoryRecord>>()
  const heap: number[] = []
  // While a sweep runs, new buckets at or before its due key wait here, so the sweep cannot loop on them.
  let sweepDue = Number.NEGATIVE_INFINITY
  const deferred: number[] = []

  function add(record: MemoryRecord, key: number): void {
    let set = buckets.get(key)
    if (set === undefined) {
      set = new Set()
      buckets.set(key, set)
      if (key <= sweepDue) deferred.push(key)
      else heapPush(heap, key)
    }
    set.add(record)
    record.bucket = key
  }

  function remove(record: MemoryRecord): void {
    buckets.get(record.bucket)?.delete(record)
  }

  return {
    file(record, deadline) {
      const key = bucketOf(deadline)
      if (key === record.bucket && buckets.get(key)?.has(record)) return
      remove(record)
      add(record, key)
    },
    fileEarlier(record, deadline) {
      const key = bucketOf(deadline)
      if (key >= record.bucket) return
      remove(record)
      add(record, key)
    },
    remove,
    clear() {
      buckets.clear()
      heap.length = 0
    },
    sweep(now, visit) {
      const due = bucketOf(now)
      sweepDue = due
      try {
        while (heap.length > 0 && heap[0]! <= due) {
          const key = heapPop(heap)
          const set = buckets.get(key)
          if (set === undefined) continue
          // Detach the bucket first: records the visitor re-files land in new buckets, not in this walk.
          buckets.delete(key)
          for (const record of set) {
            record.bucket = -1
            visit(record)
          }
        }
      } finally {
        sweepDue = Number.NEGATIVE_INFINITY
        for (const key of deferred.splice(0)) heapPush(heap, key)
      }
    },
  }
}

function heapPush(heap: number[], key: number): void {
  let i = heap.push(key) - 1
  while (i > 0) {
    const parent = (i - 1) >> 1
    if (heap[parent]! <= key) break
    heap[i] = heap[parent]!
    i = parent
  }
  heap[i] = key
}

function heapPop(heap: number[]): number {
  const top = heap[0]!
  const last = heap.pop()!
  if (heap.length === 0) return top
  let i = 0
  const n = heap.length
  for (;;) {
    const l = 2 * i + 1
    if (l >= n) break
    const r = l + 1
    const c = r < n && heap[r]! < heap[l]! ? r : l
    if (heap[c]! >= last) break
    heap[i] = heap[c]!
    i = c
  }
  heap[i] = last
  return top
}
