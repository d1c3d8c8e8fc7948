import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './redis-harness.js'

/**
 * Starts a real PostgreSQL server for integration tests and benchmarks: `initdb` and `postgres`
 * in a temp dir, on 127.0.0.1 and a free port, `fsync=off` (the data is thrown away). PostgreSQL
 * refuses to run as root, so under root both run as the `postgres` system user the Debian package
 * creates, in a dir that user owns.
 */

const host = '127.0.0.1'

/** A running server; connect as user `postgres`, database `postgres`, no password (trust on 127.0.0.1). */
export interface PostgresServer {
  readonly host: string
  readonly port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /**
   * CPU time (user + system, µs) the server's live processes (the postmaster and its children:
   * backends, background workers) have used so far, read from /proc; `undefined` where there is none.
   * A backend's protocol work, waits and wake-ups count here, beyond what pg_stat_statements times.
   */
  cpuMicros(): number | undefined
  /** Stops the server (immediate shutdown) and removes its temp dir. */
  stop(): Promise<void>
}

/**
 * The folder of the server binaries (`initdb`, `postgres`), which Debian keeps off PATH:
 * `pg_config --bindir` when it is installed, else the newest `/usr/lib/postgresql/<version>/bin`.
 */
export function postgresBinDir(): string | undefined {
  const probe = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  const fromConfig = probe.status === 0 ? probe.stdout.trim() : ''
  if (fromConfig !== '' && existsSync(join(fromConfig, 'initdb'))) return fromConfig
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

/** True when a server can be started here: the binaries exist, and under root the `postgres` user too. */
export function postgresAvailable(): boolean {
  return postgresBinDir() !== undefined && (process.getuid?.() !== 0 || serverUser() !== undefined)
}

/** The uid and gid to run the server as: the `postgres` user under root, the current user otherwise. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined
  } catch {
    return undefined
  }
}

// Servers still running when the process exits (a crash, a forgotten stop()): killed, dirs removed.
const children = new Map<ChildProcess, string>()
process.once('exit', () => {
  for (const [child, dir] of children) {
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}

/**
 * Starts one server. `settings` are extra `-c name=value` pairs (`shared_preload_libraries`, ...).
 *
 * @example
 * const pg = await startPostgres(); new Pool({ connectionString: pg.url }); ...; await pg.stop()
 */
export async function startPostgres(
  options: { settings?: Readonly<Record<string, string>> } = {},
): Promise<PostgresServer> {
  const bin = postgresBinDir()
  if (bin === undefined)
    throw new Error('PostgreSQL server binaries not found (apt-get install -y postgresql)')
  const user = serverUser()
  const dir = mkdtempSync(join(tmpdir(), 'sessionkit-pg-'))
  if (user !== undefined) chownSync(dir, user.uid, user.gid)
  const as = user === undefined ? {} : { uid: user.uid, gid: user.gid }
  const env = { ...process.env, HOME: dir, LC_ALL: 'C' }
  const data = join(dir, 'data')
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...as, env, encoding: 'utf8', cwd: dir },
  )
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed: ${init.stderr || init.error}`)
  }
  const settings: Record<string, string> = {
    listen_addresses: host,
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    ...options.settings,
  }
  let lastError: unknown
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort()
    try {
      return await launch(bin, data, dir, port, settings, as, env)
    } catch (error) {
      lastError = error
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw new Error(`could not start postgres: ${String(lastError)}`)
}

async function launch(
  bin: string,
  data: string,
  dir: string,
  port: number,
  settings: Readonly<Record<string, string>>,
  as: { uid?: number; gid?: number },
  env: NodeJS.ProcessEnv,
): Promise<PostgresServer> {
  const args = ['-D', data, '-p', String(port)]
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`)
  // Its own process group, so a kill reaches the server's backends too.
  const child = spawn(join(bin, 'postgres'), args, {
    ...as,
    env,
    cwd: dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.set(child, dir)
  let log = ''
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        // SIGQUIT: immediate shutdown; the data is thrown away with the dir.
        killGroup(child.pid, 'SIGQUIT')
        const timer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      children.delete(child)
      rmSync(dir, { recursive: true, force: true })
    })()
    return stopped
  }
  const ready = join(bin, 'pg_isready')
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) {
      children.delete(child)
      throw new Error(`postgres exited: ${log}`)
    }
    const probe = spawnSync(ready, ['-h', host, '-p', String(port), '-U', 'postgres', '-q'])
    if (probe.status === 0) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`postgres did not become ready within 20 s: ${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const postmaster = child.pid
  return {
    host,
    port,
    url: `postgres://postgres@${host}:${port}/postgres`,
    cpuMicros: () => (postmaster === undefined ? undefined : treeCpuMicros(postmaster)),
    stop,
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux Node runs on). */
const TICKS_PER_SECOND = 100

/**
 * The CPU time of process `parent` and its live children (µs), or undefined without /proc. (Each
 * backend starts a session of its own, so the postmaster's process group does not hold them.)
 */
function treeCpuMicros(parent: number): number | undefined {
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  let ticks = 0
  for (const pid of pids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // ended meanwhile
    }
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(pid) === parent || Number(fields[1]) === parent)
      ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks / TICKS_PER_SECOND) * 1e6
}
