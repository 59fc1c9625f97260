import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agNewsDirFromEnv, defaultSharedAgNewsDir } from '../src/index.js';
import { fixtureDir, smallAgNewsFiles, tempDir } from './helpers/temp-dir.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');

describe('agNewsDirFromEnv', () => {
  it('defaults to ../shared/data/ag_news beside the repository root', () => {
    expect(defaultSharedAgNewsDir()).toBe(resolve(repoRoot, '../shared/data/ag_news'));
  });

  it('returns AGNEWS_DIR when it holds the files', async () => {
    const dir = await fixtureDir(smallAgNewsFiles());
    expect(agNewsDirFromEnv({ AGNEWS_DIR: dir })).toBe(dir);
  });

  it('throws, naming what is missing, instead of letting a test skip', async () => {
    const dir = await tempDir();
    expect(() => agNewsDirFromEnv({ AGNEWS_DIR: dir })).toThrow(
      `real AG News data not found: AGNEWS_DIR=${dir} lacks train.csv, test.csv, classes.txt. Set AGNEWS_DIR`,
    );
    expect(() => agNewsDirFromEnv({ AGNEWS_DIR: join(dir, 'nope') })).toThrow(/lacks train\.csv/);
  });
});
