import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * Starts real `redis-server` processes for integration tests and benchmarks: on 127.0.0.1 only,
 * without persistence (`--save '' --appendonly no`), each in its own temp dir, on a free port.
 */

const run = promisify(execFile)
const host = '127.0.0.1'

/** A running standalone server. */
export interface RedisServer {
  readonly host: string
  readonly port: number
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its temp dir. */
  stop(): Promise<void>
}

/** A running Redis Cluster of masters only. */
export interface RedisCluster {
  readonly nodes: readonly { readonly host: string; readonly port: number }[]
  stop(): Promise<void>
}

/** True when `redis-server` can be started from PATH. */
export function redisServerAvailable(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' })
  return probe.error === undefined && probe.status === 0
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** True when nothing listens on `port` right now. */
async function isFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
    server.unref()
    server.once('error', () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}

/** A free port whose cluster bus port (port + 10000) is free and valid too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 35_000)
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port
  }
}

// Servers still running when the process exits (a crash, a forgotten stop()): killed, dirs removed.
const children = new Map<ChildProcess, string>()
process.once('exit', () => {
  for (const [child, dir] of children) {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * Starts one server (`cluster: true`: cluster-enabled, on a port whose bus port is free too).
 * With `port`, on that port (a restart after `stop()`); otherwise on a free one, retrying when
 * another process grabs the port first.
 *
 * @example
 * const server = await startRedisServer(); ...; await server.stop()
 */
export async function startRedisServer(
  options: { port?: number; args?: readonly string[]; cluster?: boolean } = {},
): Promise<RedisServer> {
  const args = options.cluster
    ? ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000']
    : []
  let lastError: unknown
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = options.port ?? (options.cluster ? await freeClusterPort() : await freePort())
    try {
      return await launch(port, [...args, ...(options.args ?? [])])
    } catch (error) {
      lastError = error
      if (options.port !== undefined) break
    }
  }
  throw new Error(`could not start redis-server: ${String(lastError)}`)
}

async function launch(port: number, extra: readonly string[]): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sessionkit-redis-'))
  const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--dir', dir]
  const child = spawn('redis-server', [...args, '--daemonize', 'no', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.set(child, dir)
  let log = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      children.delete(child)
      rmSync(dir, { recursive: true, force: true })
    })()
    return stopped
  }
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${log}`)
      return (await command(port, ['PING'])) === '+PONG'
    }, 10_000)
  } catch (error) {
    await stop()
    throw error
  }
  return { host, port, stop }
}

/**
 * Starts `masters` cluster-enabled servers, joins them with `redis-cli --cluster create` (no
 * replicas) and waits until every node reports `cluster_state:ok`.
 *
 * @example
 * const cluster = await startRedisCluster({ masters: 3 }); new Cluster(cluster.nodes)
 */
export async function startRedisCluster(options: { masters?: number } = {}): Promise<RedisCluster> {
  const count = options.masters ?? 3
  const servers: RedisServer[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()))
  }
  try {
    for (let i = 0; i < count; i++) {
      servers.push(await startRedisServer({ cluster: true }))
    }
    const addresses = servers.map((server) => `${host}:${server.port}`)
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'],
      {
        timeout: 30_000,
      },
    )
    await waitFor(async () => {
      for (const server of servers) {
        const info = await command(server.port, ['CLUSTER', 'INFO'])
        if (!info.includes('cluster_state:ok')) return false
      }
      return true
    }, 30_000)
  } catch (error) {
    await stop()
    throw error
  }
  return { nodes: servers.map((server) => ({ host, port: server.port })), stop }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      if (await check()) return
    } catch (error) {
      lastError = error
      if (String(error).includes('redis-server exited')) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out after ${timeoutMs} ms${lastError === undefined ? '' : `: ${String(lastError)}`}`)
}

/**
 * Sends one command over a fresh connection and returns the raw reply text: enough for PING and
 * CLUSTER INFO, without a client library (the harness must not depend on the code under test).
 */
export async function command(port: number, args: readonly string[]): Promise<string> {
  const payload = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
  return await new Promise((resolve, reject) => {
    const socket = new Socket()
    let reply = ''
    const done = (error?: Error): void => {
      socket.destroy()
      if (error === undefined) resolve(reply.trimEnd())
      else reject(error)
    }
    socket.setTimeout(2000, () => done(new Error('no reply within 2 s')))
    socket.once('error', done)
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (isComplete(reply)) done()
    })
    socket.connect(port, host, () => socket.write(payload))
  })
}

function isComplete(reply: string): boolean {
  if (reply[0] !== '$' && reply[0] !== '=') return reply.endsWith('\r\n')
  const header = reply.indexOf('\r\n')
  if (header < 0) return false
  const length = Number(reply.slice(1, header))
  return length < 0 || Buffer.byteLength(reply) >= header + 2 + length + 2
}
