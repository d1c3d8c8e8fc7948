import { describe, expect, it } from 'vitest'
import { createDeadlineQueue } from '../../src/util/deadline-queue.js'

const timedOut = () => new Error('timed out')
const wrapped = (error: unknown) => new Error(`failed: ${(error as Error).message}`)

/** A promise settled by hand. */
function manual<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: Error) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('createDeadlineQueue', () => {
  it('passes a value through, and a failure through onError', async () => {
    const within = createDeadlineQueue(1000)
    await expect(within(Promise.resolve(7), timedOut, wrapped)).resolves.toBe(7)
    await expect(within(Promise.reject(new Error('down')), timedOut, wrapped)).rejects.toThrow('failed: down')
  })

  it('rejects every call still pending at its deadline, and only those', async () => {
    const within = createDeadlineQueue(60)
    const slow = manual<string>()
    const fast = manual<string>()
    const late = within(slow.promise, timedOut, wrapped)
    const early = within(fast.promise, timedOut, wrapped)
    fast.resolve('fast')
    await expect(early).resolves.toBe('fast')
    const started = performance.now()
    await expect(late).rejects.toThrow('timed out')
    expect(performance.now() - started).toBeLessThan(1000)
    slow.resolve('too late') // ignored: the call already failed
    await expect(late).rejects.toThrow('timed out')
  })

  it('keeps each deadline after thousands of calls ended in and out of order', async () => {
    const within = createDeadlineQueue(80)
    for (let i = 0; i < 5000; i++) await within(Promise.resolve(i), timedOut, wrapped)
    const held = Array.from({ length: 3000 }, () => manual<number>())
    const calls = held.map((h) => within(h.promise, timedOut, wrapped))
    // Every other call ends (the queue skips and compacts their places); the rest time out.
    held.forEach((h, i) => {
      if (i % 2 === 0) h.resolve(i)
    })
    const results = await Promise.allSettled(calls)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1500)
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1500)
    // A call after the queue drained gets its own full deadline.
    const next = manual<number>()
    const after = within(next.promise, timedOut, wrapped)
    setTimeout(() => next.resolve(1), 20)
    await expect(after).resolves.toBe(1)
  })

  it('gives a call that starts while an old timer is armed its own full deadline', async () => {
    const within = createDeadlineQueue(1000)
    await within(Promise.resolve(0), timedOut, wrapped) // leaves the timer armed until ~1000 ms
    await new Promise((r) => setTimeout(r, 500))
    const pending = manual<number>()
    const call = within(pending.promise, timedOut, wrapped)
    // The old timer fires ~500 ms into this call, which is due at 1000 ms and answers at ~750 ms.
    setTimeout(() => pending.resolve(2), 750)
    await expect(call).resolves.toBe(2)
  })
})
