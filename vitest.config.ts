import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The converters against the official SDK types, compiled with exactOptionalPropertyTypes.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: 'test/formats/tsconfig.sdk-types.json',
      // Users compile against the built .d.ts: only the type tests' own errors count here.
      ignoreSourceErrors: true,
    },
    // One redis-server, one 3-master Cluster and one PostgreSQL server for the whole run (each
    // skipped with a notice when absent).
    globalSetup: ['test/setup/redis-global.ts', 'test/setup/postgres-global.ts'],
    // Register the `redis` and `postgres` store fixtures, so every forEachStore suite also runs on both.
    setupFiles: ['test/helpers/redis-fixtures.ts', 'test/helpers/postgres-fixtures.ts'],
  },
})
