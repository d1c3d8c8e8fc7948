import { Cluster, Redis } from 'ioredis'
import { createClient, createCluster } from 'redis'
import { afterAll, beforeAll, inject } from 'vitest'
import type { RedisClientLike } from '../../src/redis/index.js'
import { fromIoredis, fromNodeRedis } from '../../src/redis/index.js'

/**
 * Clients for the redis-server and Cluster that test/setup/redis-global.ts started for this run.
 * Each `connect*` returns the wrapped client and a `close()` that drops the raw one's connection at
 * once (a test may leave its server down, where a polite quit would wait for an answer).
 */

/** The standalone server's port, or `undefined` when Redis tests are skipped in this run. */
export const redisPort: number | undefined = inject('redisPort')
/** The Cluster's nodes, or `undefined` when Redis tests are skipped in this run. */
export const redisClusterNodes: readonly { host: string; port: number }[] | undefined =
  inject('redisClusterNodes')

/**
 * Clients emit connection errors as events (node-redis ends the process on an unheard one); the
 * store reports each failed call as STORE_UNAVAILABLE, which is what the tests look at.
 */
export function ignoreConnectionErrors(): void {}

let stores = 0

/** A key prefix no other store of this run uses: tests never see each other's keys, nothing is flushed. */
export function uniquePrefix(): string {
  stores++
  return `t${process.pid.toString(36)}-${Date.now().toString(36)}-${stores}`
}

/** A connected client and how to close it. */
export interface TestClient {
  readonly client: RedisClientLike
  close(): Promise<void>
}

/**
 * One connection for the enclosing suite: made by `connect` before its tests, closed after them
 * (after the suite's own `afterAll` hooks, which may still use it).
 */
export function useConnection(connect: () => Promise<TestClient>): { readonly client: RedisClientLike } {
  let connection: TestClient | undefined
  beforeAll(async () => {
    connection = await connect()
  })
  afterAll(async () => {
    await connection?.close()
  })
  return {
    get client() {
      if (connection === undefined) throw new Error('useConnection: the suite has not connected yet')
      return connection.client
    },
  }
}

function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('no redis-server in this run (see REDIS TESTS SKIPPED above)')
  return value
}

/** ioredis on the run's redis-server, or on the one at `port`. */
export async function connectIoredis(port = need(redisPort)): Promise<TestClient> {
  const raw = new Redis({ host: '127.0.0.1', port }).on('error', ignoreConnectionErrors)
  return { client: fromIoredis(raw), close: async () => raw.disconnect() }
}

/** node-redis on the run's redis-server, or on the one at `port`. */
export async function connectNodeRedis(port = need(redisPort)): Promise<TestClient> {
  const raw = await createClient({ socket: { host: '127.0.0.1', port } })
    .on('error', ignoreConnectionErrors)
    .connect()
  return { client: fromNodeRedis(raw), close: async () => raw.destroy() }
}

export async function connectIoredisCluster(): Promise<TestClient> {
  const raw = new Cluster([...need(redisClusterNodes)])
  raw.on('error', ignoreConnectionErrors)
  await new Promise<void>((resolve, reject) => {
    raw.once('ready', resolve)
    raw.once('error', reject)
  })
  return { client: fromIoredis(raw), close: async () => raw.disconnect() }
}

export async function connectNodeRedisCluster(): Promise<TestClient> {
  const rootNodes = need(redisClusterNodes).map((node) => ({ socket: { host: node.host, port: node.port } }))
  const raw = await createCluster({ rootNodes }).on('error', ignoreConnectionErrors).connect()
  return { client: fromNodeRedis(raw), close: async () => raw.destroy() }
}
