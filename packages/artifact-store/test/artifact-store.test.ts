import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArtifactStore,
  FolderStore,
  fetchDirectory,
  fileDigest,
  openArtifactStore,
  publishDirectory,
  unpublishDirectory,
} from '../src/index.js';
import { type S3TestServer, startS3TestServer } from '../src/testing/index.js';

let server: S3TestServer;
let scratch: string;

beforeAll(async () => {
  server = await startS3TestServer({ bucket: 'store-test' });
  scratch = await mkdtemp(path.join(tmpdir(), 'artifact-store-test-'));
});
afterAll(async () => {
  await server?.close();
  await rm(scratch, { recursive: true, force: true });
});

let counter = 0;
const backends: [string, () => ArtifactStore][] = [
  ['folder', () => new FolderStore(path.join(scratch, `folder-${++counter}`))],
  [
    's3',
    () =>
      openArtifactStore(`s3://store-test/run-${++counter}/artifacts`, {
        s3Client: {
          endpoint: server.endpoint,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        },
      }),
  ],
];

describe.each(backends)('%s store', (_name, make) => {
  it('writes, reads, lists and removes objects by key', async () => {
    const store = make();
    expect(await store.read('models/a/manifest.json')).toBeNull();
    await store.write('models/a/manifest.json', '{"files":{}}');
    await store.write('models/a/weights.bin', new Uint8Array([1, 2, 3]));
    await store.write('models/b/manifest.json', '{}');
    await store.write('checkpoints/7/state.json', 'x');
    expect(Buffer.from((await store.read('models/a/manifest.json')) ?? []).toString()).toBe(
      '{"files":{}}',
    );
    expect(Array.from((await store.read('models/a/weights.bin')) ?? [])).toEqual([1, 2, 3]);
    expect(await store.list('models/')).toEqual([
      'models/a/manifest.json',
      'models/a/weights.bin',
      'models/b/manifest.json',
    ]);
    expect(await store.listChildren('models/')).toEqual(['a', 'b']);
    expect(await store.listChildren('nothing/')).toEqual([]);
    await store.write('models/a/weights.bin', new Uint8Array([9]));
    expect(Array.from((await store.read('models/a/weights.bin')) ?? [])).toEqual([9]);
    await store.remove('models/a/weights.bin');
    await store.remove('models/a/weights.bin');
    expect(await store.read('models/a/weights.bin')).toBeNull();
    await store.removePrefix('models/');
    expect(await store.list('models/')).toEqual([]);
    expect(await store.list('checkpoints/')).toEqual(['checkpoints/7/state.json']);
    await store.close();
  });

  it('refuses keys that could leave the store', async () => {
    const store = make();
    for (const key of ['../x', 'a/../../x', '/abs', 'a//b', '.hidden', 'a/.', 'a b', '']) {
      await expect(store.write(key, 'x'), key).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(store.read(key), key).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(store.removePrefix('')).rejects.toThrow(/every artifact/);
    await store.close();
  });

  it('publishes a directory manifest last and fetches it only when every hash matches', async () => {
    const store = make();
    const dir = path.join(scratch, `model-${++counter}`);
    await mkdir(dir);
    const weights = new Uint8Array([1, 2, 3, 4]);
    await writeFile(path.join(dir, 'weights.bin'), weights);
    await writeFile(path.join(dir, 'config.json'), '{"cell":"gru"}');
    const manifest = {
      id: 'gru-1',
      files: {
        'weights.bin': fileDigest(weights),
        'config.json': fileDigest(Buffer.from('{"cell":"gru"}')),
      },
    };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    await publishDirectory(store, 'models/gru-1', dir);
    expect(await store.list('models/gru-1/')).toEqual([
      'models/gru-1/config.json',
      'models/gru-1/manifest.json',
      'models/gru-1/weights.bin',
    ]);

    const cache = path.join(scratch, `cache-${counter}`, 'gru-1');
    const fetched = await fetchDirectory(store, 'models/gru-1', cache);
    expect(fetched?.files['weights.bin']).toEqual(fileDigest(weights));
    expect((await readdir(cache)).sort()).toEqual(['config.json', 'manifest.json', 'weights.bin']);
    expect(await readFile(path.join(cache, 'config.json'), 'utf8')).toBe('{"cell":"gru"}');

    // A tampered file: the fetch fails naming it, and the cached copy is left as it was.
    await store.write('models/gru-1/weights.bin', new Uint8Array([1, 2, 3, 5]));
    await expect(fetchDirectory(store, 'models/gru-1', cache)).rejects.toMatchObject({
      code: 'MODEL_CORRUPT',
      message: expect.stringContaining('weights.bin'),
    });
    expect(Array.from(await readFile(path.join(cache, 'weights.bin')))).toEqual([1, 2, 3, 4]);

    // No manifest: nothing to trust (a half-published model is never served).
    await unpublishDirectory(store, 'models/gru-1');
    expect(await store.list('models/gru-1/')).toEqual([]);
    expect(await fetchDirectory(store, 'models/gru-1', path.join(scratch, 'none'))).toBeNull();
    await store.close();
  });

  it('refuses a manifest naming files outside its directory', async () => {
    const store = make();
    await store.write(
      'models/evil/manifest.json',
      JSON.stringify({ files: { '../../etc/passwd': { bytes: 1, sha256: '0'.repeat(64) } } }),
    );
    await expect(
      fetchDirectory(store, 'models/evil', path.join(scratch, `evil-${++counter}`)),
    ).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
    await store.close();
  });
});

describe('openArtifactStore', () => {
  it('opens folders from file: URLs and plain paths, S3 from s3:// URLs', () => {
    expect(openArtifactStore('file:///tmp/x').url).toBe('file:///tmp/x');
    expect(openArtifactStore('/tmp/y')).toBeInstanceOf(FolderStore);
    expect(openArtifactStore('s3://bucket-1/some/prefix').url).toBe('s3://bucket-1/some/prefix');
  });

  it('names the variable and the value it cannot use', () => {
    expect(() => openArtifactStore('ftp://host/x')).toThrow(/NEWSCELL_STORE_URL='ftp:\/\/host\/x'/);
    expect(() => openArtifactStore('s3://Bad_Bucket/x')).toThrow(/not a valid bucket name/);
    expect(() => openArtifactStore('s3://bucket-1/../x')).toThrow(/not a safe name/);
  });

  it('reports an unreachable S3 endpoint as STORE_UNAVAILABLE without the secret key', async () => {
    const store = openArtifactStore('s3://store-test/x', {
      s3Client: {
        endpoint: 'http://127.0.0.1:1',
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'very-secret-value' },
        maxAttempts: 1,
      },
    });
    const error = await store.read('a').catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(String((error as Error).message)).not.toContain('very-secret-value');
    await store.close();
  });
});
