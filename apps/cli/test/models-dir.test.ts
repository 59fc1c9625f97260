import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelsDir } from '../src/models-dir.js';

// One rule for a relative MODELS_DIR everywhere: the API and the worker resolve it against the
// working directory (apps/api/src/config.ts, apps/worker/src/config.ts), and so does the CLI.
describe('resolveModelsDir', () => {
  it('takes a relative MODELS_DIR, the default and --models-dir from the working directory', () => {
    expect(resolveModelsDir(undefined, { MODELS_DIR: 'elsewhere/models' })).toBe(
      join(process.cwd(), 'elsewhere', 'models'),
    );
    expect(resolveModelsDir(undefined, {})).toBe(join(process.cwd(), 'var', 'models'));
    expect(resolveModelsDir(undefined, { MODELS_DIR: '' })).toBe(resolve('var/models'));
    expect(resolveModelsDir('mine', { MODELS_DIR: 'ignored' })).toBe(resolve('mine'));
  });

  it('keeps an absolute MODELS_DIR', () => {
    expect(resolveModelsDir(undefined, { MODELS_DIR: '/srv/models' })).toBe('/srv/models');
  });
});
