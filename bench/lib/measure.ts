// Small timing helpers shared by the benchmarks: best-of-rounds throughput, and a ratio line.
import { GCProfiler } from 'node:v8'

/** Operations per second of `body`, which runs `batch` operations per call; best of `rounds`. */
export async function opsPerSec(
  body: () => unknown | Promise<unknown>,
  batch: number,
  { rounds = 7, minMs = 150 }: { rounds?: number; minMs?: number } = {},
): Promise<number> {
  let best = 0
  for (let r = 0; r < rounds; r++) {
    let ops = 0
    const start = process.hrtime.bigint()
    let elapsed = 0
    while (elapsed < minMs) {
      await body()
      ops += batch
      elapsed = Number(process.hrtime.bigint() - start) / 1e6
    }
    best = Math.max(best, (ops / elapsed) * 1000)
  }
  return best
}

/** Prints `name: ours/raw = ratio (target) PASS|MISS` and returns whether it passed. */
export function reportRatio(name: string, ours: number, raw: number, target: number): boolean {
  const ratio = ours / raw
  const pass = ratio >= target
  console.log(
    `${name.padEnd(44)} ${fmt(ours).padStart(12)} ops/s vs raw ${fmt(raw).padStart(12)} ops/s = ${ratio.toFixed(2)}x (target >= ${target}x) ${pass ? 'PASS' : 'MISS'}`,
  )
  return pass
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Heap used after a full collection (needs --expose-gc, which `npm run bench` passes). */
export function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) {
    gc()
    gc()
  }
  return process.memoryUsage().heapUsed
}

/**
 * Bytes of JS heap `call` allocates per call, averaged over `ops` awaited calls: the heap's growth
 * between collections, summed over the collections the run caused (a GC profiler reports each).
 * Needs --expose-gc, which `npm run bench` passes, to start from a collected heap.
 */
export async function bytesPerCall(call: (i: number) => Promise<unknown>, ops: number): Promise<number> {
  const profiler = new GCProfiler()
  const start = heapUsed()
  profiler.start()
  for (let i = 0; i < ops; i++) await call(i)
  const end = process.memoryUsage().heapUsed
  let bytes = 0
  let last = start
  for (const gc of profiler.stop()?.statistics ?? []) {
    bytes += gc.beforeGC.heapStatistics.usedHeapSize - last
    last = gc.afterGC.heapStatistics.usedHeapSize
  }
  return (bytes + end - last) / ops
}

/**
 * CPU microseconds per operation of each case (user + system time of this process, which other
 * processes on a shared machine distort far less than wall time), median of `rounds` interleaved
 * rounds after one warm-up round. Each case runs `ops` operations per round.
 */
export async function cpuMicrosPerOp(
  cases: Readonly<Record<string, () => unknown | Promise<unknown>>>,
  ops: number,
  rounds = 7,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {}
  for (let round = 0; round <= rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const start = process.cpuUsage()
      await run()
      const used = process.cpuUsage(start)
      if (round > 0) samples[name] = [...(samples[name] ?? []), (used.user + used.system) / ops]
    }
  }
  const out: Record<string, number> = {}
  for (const [name, xs] of Object.entries(samples)) {
    out[name] = [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  }
  return out
}
