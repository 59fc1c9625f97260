import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Tiny models still train for a few seconds on a shared 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
