import type { TestProject } from 'vitest/node'
import {
  type RedisCluster,
  type RedisServer,
  redisServerAvailable,
  startRedisCluster,
  startRedisServer,
} from '../integration/redis-harness.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port of the standalone redis-server of this run; absent when Redis tests are skipped. */
    redisPort?: number
    /** Nodes of the 3-master Redis Cluster of this run; absent when Redis tests are skipped. */
    redisClusterNodes?: { host: string; port: number }[]
  }
}

/**
 * Starts one standalone redis-server and one 3-master Cluster for the whole test run and hands
 * their ports to tests (`inject('redisPort')`). Without `redis-server` on PATH the Redis suites
 * are skipped with a loud notice, unless `REQUIRE_REDIS=1`, which fails the run instead.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!redisServerAvailable()) {
    const missing = 'redis-server not found on PATH (apt-get install -y redis-server)'
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but ${missing}`)
    const notice = `REDIS TESTS SKIPPED: ${missing}`
    console.warn(`\n${'!'.repeat(notice.length)}\n${notice}\n${'!'.repeat(notice.length)}\n`)
    return async () => {}
  }
  let server: RedisServer | undefined
  let cluster: RedisCluster | undefined
  const stop = async (): Promise<void> => {
    await Promise.all([server?.stop(), cluster?.stop()])
  }
  try {
    ;[server, cluster] = await Promise.all([startRedisServer(), startRedisCluster({ masters: 3 })])
  } catch (error) {
    await stop()
    throw error
  }
  project.provide('redisPort', server.port)
  project.provide(
    'redisClusterNodes',
    cluster.nodes.map((node) => ({ host: node.host, port: node.port })),
  )
  return stop
}
