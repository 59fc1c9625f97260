import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeDirectoryAtomically } from '../src/atomic-directory.js';

/** Flushes and renames in order, with temporary names shortened to `<name>.tmp` / `<name>.old`. */
const events: string[] = [];
const short = (p: string) => path.basename(p).replace(/\.(tmp|old)-\d+-[0-9a-f]{8}$/, '.$1');

vi.mock('@newscell/tokenizer', async (importOriginal) => {
  const tokenizer = await importOriginal<typeof import('@newscell/tokenizer')>();
  return {
    ...tokenizer,
    syncTree: async (dir: string) => {
      events.push(`syncTree ${short(dir)} [${(await readdir(dir)).sort().join(', ')}]`);
      await tokenizer.syncTree(dir);
    },
    syncDirectory: async (dir: string) => {
      events.push(`syncDirectory ${short(dir)}`);
      await tokenizer.syncDirectory(dir);
    },
  };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    rename: async (from: string, to: string) => {
      events.push(`rename ${short(from)} ${short(to)}`);
      await fs.rename(from, to);
    },
  };
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'newscell-atomic-dir-'));
  events.length = 0;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const fill = (text: string) => async (temp: string) => {
  await writeFile(path.join(temp, 'weights.bin'), text);
  await writeFile(path.join(temp, 'manifest.json'), '{}');
};

describe('writeDirectoryAtomically', () => {
  it('flushes every file before the rename and the parent after it', async () => {
    const dir = path.join(root, 'model');
    await writeDirectoryAtomically(dir, fill('v1'));
    const parent = path.basename(root);
    expect(events).toEqual([
      'syncTree model.tmp [manifest.json, weights.bin]',
      'rename model.tmp model',
      `syncDirectory ${parent}`,
    ]);
    events.length = 0;
    await writeDirectoryAtomically(dir, fill('v2'), { overwrite: true });
    expect(events).toEqual([
      'syncTree model.tmp [manifest.json, weights.bin]',
      'rename model model.old',
      'rename model.tmp model',
      `syncDirectory ${parent}`,
    ]);
    expect(await readFile(path.join(dir, 'weights.bin'), 'utf8')).toBe('v2');
    expect(await readdir(root)).toEqual(['model']);
  });
});
