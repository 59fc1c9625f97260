import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type ArtifactStore,
  FolderStore,
  publishDirectory,
  s3ClientConfig,
  unpublishDirectory,
} from '../src/index.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'publication-order-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A store that records the order of writes and removals. */
function recording(inner: ArtifactStore, log: string[]): ArtifactStore {
  return {
    url: inner.url,
    read: (k) => inner.read(k),
    write: (k, d) => {
      log.push(`write ${k}`);
      return inner.write(k, d);
    },
    list: (p) => inner.list(p),
    listChildren: (p) => inner.listChildren(p),
    remove: (k) => {
      log.push(`remove ${k}`);
      return inner.remove(k);
    },
    removePrefix: (p) => {
      log.push(`removePrefix ${p}`);
      return inner.removePrefix(p);
    },
    close: () => inner.close(),
  };
}

it('publishing writes the manifest last (after removing an old one); deleting removes it first', async () => {
  const dir = path.join(scratch, 'm');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  for (const name of ['a.json', 'manifest.json', 'z.bin'])
    await writeFile(path.join(dir, name), name);
  const log: string[] = [];
  const store = recording(new FolderStore(path.join(scratch, 'store')), log);
  await publishDirectory(store, 'models/m', dir);
  expect(log).toEqual([
    'remove models/m/manifest.json',
    'write models/m/a.json',
    'write models/m/z.bin',
    'write models/m/manifest.json',
  ]);
  log.length = 0;
  await unpublishDirectory(store, 'models/m');
  expect(log).toEqual(['remove models/m/manifest.json', 'removePrefix models/m']);
});

it('uses the AWS variables, with path-style addressing when an endpoint is set', () => {
  expect(s3ClientConfig({}, { AWS_REGION: 'eu-west-1' })).toMatchObject({ region: 'eu-west-1' });
  expect(s3ClientConfig({}, {}).forcePathStyle).toBeUndefined();
  expect(s3ClientConfig({}, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' })).toMatchObject({
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    region: 'us-east-1',
  });
});
