// Server time per statement from pg_stat_statements: the time PostgreSQL spent planning and
// executing what a request sent, which a busy client machine moves much less than throughput.
// Planning counts: a statement prepared once (named, as sessionkit sends them) is planned once per
// connection, an unnamed one (as the peers send them) on every call. Beside it, the CPU time this
// process spent per request (the client's share: the library, the driver, the protocol), which
// other processes' load moves less than wall time, and with a probe the CPU time of the server's
// processes (a backend's protocol work, waits and wake-ups too, which pg_stat_statements leaves out).

/** One statement a request sends: how often per request, its mean planning and execution times, its text. */
export interface StatementTime {
  readonly text: string
  readonly perRequest: number
  readonly planUs: number
  readonly execUs: number
}

type Run = (text: string) => Promise<{ rows: Record<string, unknown>[] }>

/**
 * What `count` requests cost: server time per request, its statements, the client's CPU per
 * request and the server processes' (µs; NaN without a probe).
 */
export interface RequestCost {
  readonly perRequestUs: number
  readonly statements: StatementTime[]
  readonly clientCpuUs: number
  readonly serverCpuUs: number
}

/**
 * Resets pg_stat_statements, sends `count` requests one at a time, and reads what they cost the
 * server: planning and execution time per request (µs, nested function statements included in
 * their caller's; the planning part needs `pg_stat_statements.track_planning` on) and each
 * top-level statement's share; and this process's CPU time per request. `run` sends the two admin
 * queries outside any counter.
 *
 * @example
 * const { perRequestUs, clientCpuUs } = await serverTime((sql) => pool.query(sql), 500, request)
 */
export async function serverTime(
  run: Run,
  count: number,
  request: (i: number) => Promise<unknown>,
  serverCpu: () => number | undefined = () => undefined,
): Promise<RequestCost> {
  await run('SELECT pg_stat_statements_reset()')
  const serverBefore = serverCpu() ?? Number.NaN
  const cpu = process.cpuUsage()
  for (let i = 0; i < count; i++) await request(i)
  const used = process.cpuUsage(cpu)
  const serverCpuUs = ((serverCpu() ?? Number.NaN) - serverBefore) / count
  const clientCpuUs = (used.user + used.system) / count
  const { rows } = await run(
    `SELECT query, calls, total_plan_time, total_exec_time FROM pg_stat_statements
      WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC`,
  )
  const statements = rows.map((row) => ({
    text: String(row.query).replace(/\s+/g, ' ').slice(0, 110),
    perRequest: Number(row.calls) / count,
    planUs: (Number(row.total_plan_time) / Number(row.calls)) * 1000,
    execUs: (Number(row.total_exec_time) / Number(row.calls)) * 1000,
  }))
  const perRequestUs = statements.reduce((sum, s) => sum + s.perRequest * (s.planUs + s.execUs), 0)
  return { perRequestUs, statements, clientCpuUs, serverCpuUs }
}
