import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // Each test spawns the built CLI, which loads TensorFlow.js and may train a tiny model.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
