import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALIASES_JSON, AliasStore } from '../../src/models/alias-store.js';

const writes: string[] = [];
vi.mock('@newscell/tokenizer', async (importOriginal) => {
  const tokenizer = await importOriginal<typeof import('@newscell/tokenizer')>();
  return {
    ...tokenizer,
    writeFileAtomic: async (path: string, data: string | Uint8Array) => {
      writes.push(path);
      await tokenizer.writeFileAtomic(path, data);
    },
  };
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-aliases-'));
  writes.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AliasStore writes', () => {
  it('go through the durable writeFileAtomic (fsync of file and folder) and leave no temp file', async () => {
    const store = new AliasStore(dir);
    await store.set('default', 'gru-a');
    await store.set('staging', 'gru-b');
    await store.remove('staging');
    expect(writes).toEqual(Array(3).fill(join(dir, ALIASES_JSON)));
    const json = JSON.parse(await readFile(join(dir, ALIASES_JSON), 'utf8'));
    expect(json.aliases).toEqual({ default: expect.objectContaining({ modelId: 'gru-a' }) });
    expect(await readdir(dir)).toEqual([ALIASES_JSON]);
  });
});
