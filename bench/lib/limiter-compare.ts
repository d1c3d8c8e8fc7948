// What the rate-limit benchmarks share: rounds of calls over many keys, and interleaved rounds of
// sessionkit's limiter and rate-limiter-flexible's, printed as a ratio with each side's CPU time
// per call (and, with a probe, the server's).
import type { RateLimiterAbstract } from 'rate-limiter-flexible'
import type { RateLimiter } from '../../src/limits/limiter.js'
import { fmt } from './measure.js'

/** Keys the rounds call in turn. */
export const KEYS = 10_000
/** Interleaved rounds per side. */
export const ROUNDS = 7

/** One call of a limiter on `key`: whether it was admitted. */
export type Consume = (key: string) => Promise<boolean>

/** Ops per second of `consume` over the keys in turn, with `inFlight` calls at a time. */
export async function round(
  consume: Consume,
  ops: number,
  inFlight: number,
  offset: number,
): Promise<number> {
  let next = 0
  const started = performance.now()
  const lane = async () => {
    for (let i = next++; i < ops; i = next++) await consume(`k${(offset + i) % KEYS}`)
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  return ops / ((performance.now() - started) / 1000)
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * A server's script count and time so far (INFO commandstats), to print `usec_per_call` per side,
 * and its CPU time (INFO cpu, in us).
 */
export type ServerProbe = () => Promise<{ calls: number; usec: number; cpu: number }>

/**
 * Interleaved rounds of both (drift on a shared machine hits both alike); prints the ratio, and
 * with a probe each side's server time per call over its rounds. Resolves whether it met `target` (0: none).
 */
export async function compare(
  title: string,
  ours: Consume,
  theirs: Consume,
  ops: number,
  inFlight: number,
  target: number,
  probe?: ServerProbe,
  note?: (theirs: { usPerCall: number; serverCpuUs: number }) => string,
): Promise<boolean> {
  await round(ours, ops, inFlight, 0)
  await round(theirs, ops, inFlight, 0)
  const a: number[] = []
  const b: number[] = []
  // CPU time per call of each side (this process, and the server's), summed over its rounds: a
  // figure that load from other processes on the machine disturbs far less than wall time.
  const server = [
    { calls: 0, usec: 0, cpu: 0, ours: 0 },
    { calls: 0, usec: 0, cpu: 0, ours: 0 },
  ]
  const timed = async (side: number, consume: Consume, offset: number) => {
    const before = await probe?.()
    const cpu = process.cpuUsage()
    const rate = await round(consume, ops, inFlight, offset)
    const used = process.cpuUsage(cpu)
    const after = await probe?.()
    const x = server[side]!
    x.ours += used.user + used.system
    if (before !== undefined && after !== undefined) {
      x.calls += after.calls - before.calls
      x.usec += after.usec - before.usec
      x.cpu += after.cpu - before.cpu
    }
    return rate
  }
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await timed(0, ours, r * ops))
    b.push(await timed(1, theirs, r * ops))
  }
  const ratio = median(a) / median(b)
  const perOp = server.map((x) => (x.ours + x.cpu) / (ROUNDS * ops))
  const usec = `; CPU per call ${perOp.map((t) => t.toFixed(1)).join(' / ')} us (${(perOp[1]! / perOp[0]!).toFixed(2)}x)${
    probe
      ? `, of it on the server ${server.map((x) => (x.cpu / (ROUNDS * ops)).toFixed(1)).join(' / ')} us; usec_per_call ${server.map((x) => (x.usec / Math.max(1, x.calls)).toFixed(1)).join(' / ')}`
      : ''
  }`
  console.log(
    `${title.padEnd(44)} sessionkit ${fmt(median(a)).padStart(9)} ops/s, rate-limiter-flexible ${fmt(median(b)).padStart(9)} ops/s = ${ratio.toFixed(2)}x ${target > 0 ? `(target >= ${target}x) ${ratio >= target ? 'PASS' : 'MISS'}` : '(no target)'}${note?.({ usPerCall: 1e6 / median(b), serverCpuUs: server[1]!.cpu / (ROUNDS * ops) }) ?? ''}${usec}`,
  )
  return ratio >= target
}

/** sessionkit's limiter as a {@link Consume}, charging `requests: 1` to the key as a user. */
export const asConsume =
  (limiter: RateLimiter): Consume =>
  (key) =>
    limiter.consume({ user: key }, { requests: 1 }).then((r) => r.allowed)
/** A rate-limiter-flexible limiter as a {@link Consume}: a refusal is its rejection with a result, not an Error. */
export const rlfConsume =
  (rlf: RateLimiterAbstract): Consume =>
  (key) =>
    rlf.consume(key, 1).then(
      () => true,
      (refusal: unknown) => {
        if (refusal instanceof Error) throw refusal
        return false
      },
    )
