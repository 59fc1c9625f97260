// Tests of the root's own scripts; `npm test` runs them after the workspaces' and counts them in
// its summary line. Alone: npx vitest run --config scripts/vitest.config.mjs
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  test: {
    include: ['test/**/*.test.mjs'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
