import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Small models still train for seconds to a minute on a shared 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
