import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One redis-server, one 3-master Cluster and one PostgreSQL server for the whole run (each
    // skipped with a notice when absent).
    globalSetup: ['test/setup/redis-global.ts', 'test/setup/postgres-global.ts'],
    // Registers the `redis` store fixture, so every forEachStore suite also runs on Redis.
    setupFiles: ['test/helpers/redis-fixtures.ts'],
  },
})
