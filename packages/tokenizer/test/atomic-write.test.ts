import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { syncTree, writeFileAtomic } from '../src/atomic-write.js';

/** What reached the disk, in order: `sync <name>` per fsync, `rename <from> <to>` per rename. */
const events: string[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const name = (p: unknown) => basename(String(p)).replace(/\.\d+\.[0-9a-f]{8}\.tmp$/, '.tmp');
  return {
    ...fs,
    open: async (path: string, ...rest: [string?]) => {
      const handle = await fs.open(path, ...rest);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        events.push(`sync ${name(path)}`);
        await sync();
      };
      return handle;
    },
    rename: async (from: string, to: string) => {
      events.push(`rename ${name(from)} ${name(to)}`);
      await fs.rename(from, to);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-atomic-'));
  events.length = 0;
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

  it('flushes the data before the rename and the directory after it', async () => {
    await writeFileAtomic(join(dir, 'aliases.json'), '{}');
    expect(events).toEqual([
      'sync .aliases.json.tmp',
      'rename .aliases.json.tmp aliases.json',
      `sync ${basename(dir)}`,
    ]);
  });

  it('fails with the system error and cleans up when the target cannot be written', async () => {
    const path = join(dir, 'missing-dir', 'out.json');
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('syncTree', () => {
  it('flushes every file, then each directory', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'a.bin'), 'a');
    await writeFile(join(dir, 'sub', 'b.json'), 'b');
    await syncTree(dir);
    expect([...events].sort()).toEqual(
      ['sync a.bin', 'sync b.json', 'sync sub', `sync ${basename(dir)}`].sort(),
    );
    expect(events.at(-1)).toBe(`sync ${basename(dir)}`);
  });
});
