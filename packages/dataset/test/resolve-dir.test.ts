import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetError, resolveAgNewsDir } from '../src/index.js';
import { buildArchive, md5, refusedUrl, serve } from './helpers/archive-server.js';
import { fixtureDir, smallAgNewsFiles, tempDir } from './helpers/temp-dir.js';

const files = smallAgNewsFiles(1);
const expectedMd5 = { train: md5(files['train.csv']!), test: md5(files['test.csv']!) };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

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

describe('resolveAgNewsDir', () => {
  it('uses AGNEWS_DIR first, as it is, even when <dataDir>/ag_news exists', async () => {
    const given = await fixtureDir({
      'train.csv': files['train.csv']!,
      'test.csv': 'x',
      'classes.txt': 'a\nb\n',
    });
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'ag_news'));
    const { url, requests } = await archiveUrl();
    expect(await resolveAgNewsDir({ env: { AGNEWS_DIR: given }, dataDir, url })).toEqual({
      dir: given,
      source: 'env',
    });
    expect(requests).toEqual([]);
  });

  it('fails on an AGNEWS_DIR without the files instead of downloading', async () => {
    const given = await fixtureDir({ 'test.csv': 'x' });
    const { url, requests } = await archiveUrl();
    const error = await failure(
      resolveAgNewsDir({ env: { AGNEWS_DIR: given }, dataDir: await tempDir(), url }),
    );
    expect(error.code).toBe('DATASET_NOT_FOUND');
    expect(error.message).toBe(
      `AGNEWS_DIR=${given} cannot be used: exists but lacks train.csv, classes.txt. Point AGNEWS_DIR at the folder that holds train.csv, test.csv and classes.txt, or unset it to use ./data/ag_news or a download.`,
    );
    expect(requests).toEqual([]);
  });

  it('uses <dataDir>/ag_news when AGNEWS_DIR is unset', async () => {
    const dataDir = await tempDir();
    const local = join(dataDir, 'ag_news');
    await mkdir(local);
    for (const [name, content] of Object.entries(files))
      await writeFile(join(local, name), content);
    const { url, requests } = await archiveUrl();
    expect(await resolveAgNewsDir({ env: { AGNEWS_DIR: '' }, dataDir, url })).toEqual({
      dir: local,
      source: 'local',
    });
    expect(requests).toEqual([]);
  });

  it('downloads into <dataDir>/ag_news when nothing is there, then finds it locally', async () => {
    const dataDir = await tempDir();
    const { url, requests } = await archiveUrl();
    const first = await resolveAgNewsDir({ env: {}, dataDir, url, expectedMd5 });
    expect(first).toEqual({ dir: join(dataDir, 'ag_news'), source: 'download' });
    expect(await resolveAgNewsDir({ env: {}, dataDir, url, expectedMd5 })).toEqual({
      ...first,
      source: 'local',
    });
    expect(requests).toHaveLength(1);
  });

  it('says what it tried, and why each failed, when offline', async () => {
    const dataDir = await tempDir();
    const url = await refusedUrl();
    const error = await failure(resolveAgNewsDir({ env: { AGNEWS_URL: url }, dataDir }));
    expect(error.code).toBe('DATASET_NOT_FOUND');
    const local = join(dataDir, 'ag_news');
    expect(error.message).toMatch(
      new RegExp(
        [
          '^AG News files not found\\. Tried:',
          '  1\\. AGNEWS_DIR: not set',
          `  2\\. ${local}: does not exist`,
          `  3\\. download ${url}: download of ${url} failed: fetch failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\)`,
          'To use a copy you already have, set AGNEWS_DIR to the folder that holds train\\.csv, test\\.csv and classes\\.txt',
        ].join('\\n'),
      ),
    );
    expect((error.cause as DatasetError).code).toBe('DATASET_DOWNLOAD_FAILED');
    expect(error.details).toMatchObject({ tried: expect.arrayContaining(['AGNEWS_DIR: not set']) });
  });

  it('reports a checksum mismatch among the attempts', async () => {
    const { url } = await archiveUrl();
    const error = await failure(resolveAgNewsDir({ env: {}, dataDir: await tempDir(), url }));
    expect(error.message).toMatch(
      /3\. download .*: train\.csv from .* has MD5 [0-9a-f]{32}, expected b1a00f826fdfbd249f79597b59e1dc12/,
    );
    expect((error.cause as DatasetError).code).toBe('DATASET_CHECKSUM_MISMATCH');
  });

  it('does not download when told not to, or over an incomplete local folder', async () => {
    const { url, requests } = await archiveUrl();
    const noDownload = await failure(
      resolveAgNewsDir({ env: {}, dataDir: await tempDir(), url, download: false }),
    );
    expect(noDownload.message).toContain(`3. download ${url}: not attempted (download: false)`);

    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'ag_news'));
    const incomplete = await failure(resolveAgNewsDir({ env: {}, dataDir, url }));
    expect(incomplete.message).toContain(
      `2. ${join(dataDir, 'ag_news')}: exists but lacks train.csv, test.csv, classes.txt`,
    );
    expect(incomplete.message).toContain('not attempted, because');
    expect(requests).toEqual([]);
  });
});
