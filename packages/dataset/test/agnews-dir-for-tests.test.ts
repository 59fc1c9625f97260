import { cp, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { agNewsDirForTests, DatasetError, findWorkspaceRoot } from '../src/index.js';
import { buildArchive, md5, refusedUrl, serve } from './helpers/archive-server.js';
import { fixtureDir, smallAgNewsFiles, tempDir } from './helpers/temp-dir.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..');
const files = smallAgNewsFiles(1);
const expectedMd5 = { train: md5(files['train.csv'] ?? ''), test: md5(files['test.csv'] ?? '') };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** `<temp>/newscell` as a checkout, with `data/ag_news` and/or `../shared/data/ag_news` filled. */
async function checkout(has: { local?: boolean; shared?: boolean } = {}): Promise<string> {
  const parent = await tempDir();
  const root = join(parent, 'newscell');
  await mkdir(root);
  if (has.local)
    await fixtureDir(files).then((dir) => copyInto(dir, join(root, 'data', 'ag_news')));
  if (has.shared) {
    await fixtureDir(files).then((dir) => copyInto(dir, join(parent, 'shared', 'data', 'ag_news')));
  }
  return root;
}

async function copyInto(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

async function archiveUrl() {
  const archive = await buildArchive(files);
  const server = await serve((_request, response) => response.end(archive));
  closers.push(server.close);
  return { url: `${server.baseUrl}/ag_news_csv.tgz`, requests: server.requests };
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('agNewsDirForTests: the real data for tests, found as the app finds it', () => {
  it('finds this repository as the root', () => {
    expect(findWorkspaceRoot(fileURLToPath(import.meta.url))).toBe(repoRoot);
  });

  it('returns AGNEWS_DIR when it holds the files, and fails naming what it lacks', async () => {
    const given = await fixtureDir(files);
    const root = await checkout({ local: true });
    expect(await agNewsDirForTests({ env: { AGNEWS_DIR: given }, root })).toBe(given);
    const empty = await tempDir();
    const error = await failure(agNewsDirForTests({ env: { AGNEWS_DIR: empty }, root }));
    expect(error.code).toBe('DATASET_NOT_FOUND');
    expect(error.message).toContain(
      `real AG News data not found: AGNEWS_DIR=${empty} lacks train.csv, test.csv, classes.txt`,
    );
  });

  it('then ./data/ag_news of the repository, where the app reads or downloads it', async () => {
    const root = await checkout({ local: true, shared: true });
    expect(await agNewsDirForTests({ env: {}, root })).toBe(join(root, 'data', 'ag_news'));
  });

  it('then ../shared/data/ag_news beside the checkout', async () => {
    const root = await checkout({ shared: true });
    expect(await agNewsDirForTests({ env: {}, root })).toBe(
      resolve(root, '..', 'shared', 'data', 'ag_news'),
    );
  });

  it('then downloads into ./data of the repository, outside CI', async () => {
    const root = await checkout();
    const { url, requests } = await archiveUrl();
    const dir = await agNewsDirForTests({ env: {}, root, download: { url, expectedMd5 } });
    expect(dir).toBe(join(root, 'data', 'ag_news'));
    expect(requests).toHaveLength(1);
    // Found there the next time, without downloading again.
    expect(await agNewsDirForTests({ env: {}, root, download: { url, expectedMd5 } })).toBe(dir);
    expect(requests).toHaveLength(1);
  });

  it('never downloads with CI set: it fails, listing every place tried', async () => {
    const root = await checkout();
    const { url, requests } = await archiveUrl();
    const error = await failure(
      agNewsDirForTests({ env: { CI: 'true' }, root, download: { url } }),
    );
    expect(requests).toHaveLength(0);
    expect(error.message).toBe(
      [
        'real AG News data not found. Tried:',
        '  1. AGNEWS_DIR: not set',
        `  2. ${join(root, 'data', 'ag_news')}: does not exist`,
        `  3. ${resolve(root, '..', 'shared', 'data', 'ag_news')}: does not exist`,
        '  4. download: not attempted, because CI=true (CI must provide the data)',
        'Set AGNEWS_DIR to the folder holding train.csv, test.csv and classes.txt.',
      ].join('\n'),
    );
  });

  it('says why a download failed', async () => {
    const root = await checkout();
    const url = await refusedUrl();
    const error = await failure(
      agNewsDirForTests({ env: { CI: 'false' }, root, download: { url } }),
    );
    expect(error.message).toMatch(
      / {2}4\. download: download of http:\/\/127\.0\.0\.1:\d+\/ag_news_csv\.tgz failed/,
    );
  });
});
