import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../src/postgres/index.js'
import { postgresUrl, uniqueSchema, usePostgres } from '../helpers/postgres.js'
import { runProcesses } from '../helpers/processes.js'
import { redisClusterNodes, redisPort, uniquePrefix } from '../helpers/redis-clients.js'
import { LIMITS_RULES, type LimitsTarget } from './fixtures/limits-rules.js'

// 4 processes x 64 concurrent callers on shared quotas, on one Redis server, on a 3-master
// Cluster and on one PostgreSQL server. Every admission is logged at the time its rule recorded
// it, and the logs are checked window by window. About 6 s per target (process start-up, then two
// phases of 0.5 s).

const worker = join(import.meta.dirname, 'fixtures/limits-worker.ts')
const PROCESSES = 4
const CALLERS = 64
const PHASE_MS = 500
const rule = (name: string) => LIMITS_RULES.find((r) => r.name === name)!

interface Log {
  readonly pid: number
  readonly refused: number
  readonly requests: readonly { user: string; cost: number; tenantAt: number; userAt: number }[]
  readonly tokens: readonly {
    at: number
    seq: number
    estimate: number
    actual: number
    sentAt: number
    settledAt: number
  }[]
}

/** Starts the workers on `target`, releases them together, and resolves their logs. */
function runLimitWorkers(target: LimitsTarget): Promise<Log[]> {
  const args = [JSON.stringify(target), String(CALLERS), String(PHASE_MS)]
  return runProcesses<Log>(worker, args, PROCESSES)
}

/**
 * The most cost admitted in any window of `windowMs` (windows ending at each admission suffice),
 * with that window's admissions, so a failure shows them.
 */
function busiestWindow(
  admitted: readonly { at: number; cost: number }[],
  windowMs: number,
): { cost: number; window: string } {
  const sorted = [...admitted].sort((a, b) => a.at - b.at)
  let most = { cost: 0, window: '' }
  let sum = 0
  let start = 0
  sorted.forEach((entry, end) => {
    sum += entry.cost
    while (sorted[start]!.at <= entry.at - windowMs) sum -= sorted[start++]!.cost
    if (sum > most.cost) most = { cost: sum, window: JSON.stringify(sorted.slice(start, end + 1)) }
  })
  return most
}

function checkRequests(logs: readonly Log[]): void {
  const all = logs.flatMap((log) => log.requests)
  const tenant = rule('tenant-requests')
  const user = rule('user-requests')
  // Not vacuous: calls were admitted, and the limits refused others (the windows were contested).
  expect(all.length).toBeGreaterThan(0)
  expect(logs.reduce((n, log) => n + log.refused, 0)).toBeGreaterThan(0)
  const busiest = busiestWindow(
    all.map((r) => ({ at: r.tenantAt, cost: r.cost })),
    tenant.windowMs,
  )
  expect(busiest.cost, busiest.window).toBeLessThanOrEqual(tenant.limit)
  for (const name of new Set(all.map((r) => r.user))) {
    const mine = busiestWindow(
      all.filter((r) => r.user === name).map((r) => ({ at: r.userAt, cost: r.cost })),
      user.windowMs,
    )
    expect(mine.cost, `${name}: ${mine.window}`).toBeLessThanOrEqual(user.limit)
  }
}

/**
 * At each admission, what the window held (actual counts) never passes the quota by more than the
 * underestimates of the requests still in flight then: those whose settle had not landed before
 * the admission was sent (by the wall clock every process shares; ties count as in flight).
 */
function checkTokens(logs: readonly Log[]): void {
  const { limit, windowMs } = rule('tokens')
  const all = logs.flatMap((log) => log.tokens).sort((a, b) => a.seq - b.seq)
  expect(all.length).toBeGreaterThan(0)
  for (const a of all) {
    let held = 0
    let inFlightError = 0
    for (const r of all) {
      if (r.seq > a.seq || r.at <= a.at - windowMs) continue
      held += r.actual
      if (!(r.settledAt < a.sentAt)) inFlightError += Math.max(0, r.actual - r.estimate)
    }
    expect(held, `admission seq ${a.seq}`).toBeLessThanOrEqual(limit + inFlightError)
  }
}

const postgres = usePostgres()

const targets: [string, boolean, () => Promise<LimitsTarget>][] = [
  [
    'one Redis server',
    redisPort !== undefined,
    async () => ({ redis: [{ host: '127.0.0.1', port: redisPort! }], prefix: uniquePrefix() }),
  ],
  [
    'a 3-master Cluster',
    redisClusterNodes !== undefined,
    async () => ({ redis: [...redisClusterNodes!], prefix: uniquePrefix() }),
  ],
  [
    'one PostgreSQL server',
    postgresUrl !== undefined,
    async () => {
      const schema = uniqueSchema()
      await migrate(postgres.pool(), { schema })
      return { postgres: postgresUrl!, schema }
    },
  ],
]

for (const [title, available, target] of targets) {
  describe.runIf(available)(`rate limits, ${PROCESSES} processes x ${CALLERS} callers on ${title}`, () => {
    it('never admit more than a limit in any window; with settle, tokens pass the quota by at most the in-flight estimate error', async () => {
      const logs = await runLimitWorkers(await target())
      expect(new Set(logs.map((log) => log.pid)).size).toBe(PROCESSES)
      checkRequests(logs)
      checkTokens(logs)
    }, 60_000)
  })
}
