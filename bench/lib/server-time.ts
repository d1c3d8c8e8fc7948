// Server time per command from INFO commandstats: calls and usec_per_call of each command run in a
// batch (CONFIG RESETSTAT first). Server time is much less sensitive to the machine's load than
// throughput, so the Redis benchmarks print it beside their ratios.
import type { Redis } from 'ioredis'

/** Per command name: calls and microseconds per call. */
export type CommandStats = Map<string, { calls: number; usec: number }>

/** INFO commandstats of the server `admin` is connected to. */
export async function commandStats(admin: Redis): Promise<CommandStats> {
  const stats: CommandStats = new Map()
  for (const line of (await admin.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line)
    if (match) stats.set(match[1]!, { calls: Number(match[2]), usec: Number(match[3]) })
  }
  return stats
}

/** Calls and total usec of each command between two readings (INFO itself left out). */
export function statsDelta(before: CommandStats, after: CommandStats): CommandStats {
  const delta: CommandStats = new Map()
  for (const [name, a] of after) {
    const b = before.get(name) ?? { calls: 0, usec: 0 }
    if (a.calls > b.calls && name !== 'info')
      delta.set(name, { calls: a.calls - b.calls, usec: a.usec - b.usec })
  }
  return delta
}
