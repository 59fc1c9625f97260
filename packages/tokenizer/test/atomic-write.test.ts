import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file in one step and leaves no temporary sibling', async () => {
    const path = join(dir, 'out.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, Uint8Array.from([104, 105]));
    expect(await readFile(path, 'utf8')).toBe('hi');
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('fails with the system error and cleans up when the target cannot be written', async () => {
    const path = join(dir, 'missing-dir', 'out.json');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});
