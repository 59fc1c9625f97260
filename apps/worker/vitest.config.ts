import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A private Redis: a parallel run (another workspace) that started the shared project Redis
    // would stop it when it ends, in the middle of these tests.
    globalSetup: ['@newscell/local-redis/vitest-private-setup'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
