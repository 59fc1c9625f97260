import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatasetError, downloadAgNews, readAgNewsSplit } from '../src/index.js';
import { buildArchive, md5, refusedUrl, serve } from './helpers/archive-server.js';
import { smallAgNewsFiles, tempDir } from './helpers/temp-dir.js';

const files = smallAgNewsFiles(2);
const fixtureMd5 = { train: md5(files['train.csv']!), test: md5(files['test.csv']!) };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serveBytes(body: Buffer, options: { announce?: number } = {}) {
  const server = await serve((request, response) => {
    if (request.url !== '/ag_news_csv.tgz') {
      response.writeHead(404, 'Not Found').end();
      return;
    }
    response.writeHead(200, { 'content-length': String(options.announce ?? body.length) });
    if (options.announce !== undefined && options.announce > body.length) {
      response.write(body, () => response.destroy());
      return;
    }
    response.end(body);
  });
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

/** Names left in dataDir: a failed download must leave nothing, not even temp folders. */
const leftovers = (dir: string) => readdir(dir).catch(() => []);

describe('downloadAgNews', () => {
  it('downloads, extracts and checks the archive into <dataDir>/ag_news', async () => {
    const { url } = await serveBytes(await buildArchive(files));
    const dataDir = join(await tempDir(), 'data');
    const progress: number[] = [];
    const result = await downloadAgNews({
      url,
      dataDir,
      expectedMd5: fixtureMd5,
      onProgress: (received) => progress.push(received),
    });
    expect(result.dir).toBe(join(dataDir, 'ag_news'));
    expect(result.md5).toEqual(fixtureMd5);
    expect(progress.at(-1)).toBe(result.bytes);
    expect(await leftovers(dataDir)).toEqual(['ag_news']);
    expect((await readdir(result.dir)).sort()).toEqual(['classes.txt', 'test.csv', 'train.csv']);
    expect(await readFile(join(result.dir, 'train.csv'), 'utf8')).toBe(files['train.csv']);
    expect((await readAgNewsSplit(result.dir, 'test')).summary.rows).toBe(8);
  });

  it('accepts an archive without a top folder and reads AGNEWS_URL', async () => {
    const { url, requests } = await serveBytes(await buildArchive(files, ''));
    const dataDir = await tempDir();
    const result = await downloadAgNews({
      dataDir,
      expectedMd5: fixtureMd5,
      env: { AGNEWS_URL: url },
    });
    expect(result.url).toBe(url);
    expect(requests).toEqual(['/ag_news_csv.tgz']);
  });

  it('rejects a checksum mismatch and keeps nothing', async () => {
    const { url } = await serveBytes(await buildArchive(files));
    const dataDir = await tempDir();
    const error = await failure(
      downloadAgNews({ url, dataDir, expectedMd5: { ...fixtureMd5, test: '0'.repeat(32) } }),
    );
    expect(error.code).toBe('DATASET_CHECKSUM_MISMATCH');
    expect(error.message).toBe(
      `test.csv from ${url} has MD5 ${fixtureMd5.test}, expected ${'0'.repeat(32)}: the archive is corrupt or is not the original AG News; nothing was kept`,
    );
    expect(await leftovers(dataDir)).toEqual([]);
  });

  it('checks against the original MD5s by default', async () => {
    const { url } = await serveBytes(await buildArchive(files));
    const dataDir = await tempDir();
    const error = await failure(downloadAgNews({ url, dataDir }));
    expect(error.code).toBe('DATASET_CHECKSUM_MISMATCH');
    expect(error.message).toMatch(/^train\.csv from .* expected b1a00f826fdfbd249f79597b59e1dc12/);
    expect(await leftovers(dataDir)).toEqual([]);
  });

  it('fails clearly on HTTP errors, refused connections, truncated and corrupt downloads', async () => {
    const archive = await buildArchive(files);
    const { url } = await serveBytes(archive);
    const truncated = await serveBytes(archive.subarray(0, 100), { announce: archive.length });
    const corrupt = await serveBytes(Buffer.from('this is not a gzip file at all'));
    const incomplete = await serveBytes(await buildArchive({ 'train.csv': files['train.csv']! }));
    const refused = await refusedUrl();
    const cases: [string, RegExp][] = [
      [url.replace('ag_news_csv.tgz', 'other.tgz'), /: HTTP 404 Not Found$/],
      [refused, /: fetch failed \(.*ECONNREFUSED.*\)$/],
      [truncated.url, /(announced \d+ bytes but sent 100|terminated|aborted|other side closed)/],
      [corrupt.url, /the file is not a readable \.tgz archive/],
      [
        incomplete.url,
        /the archive does not hold train\.csv, test\.csv, classes\.txt at its top level or in one folder$/,
      ],
    ];
    for (const [caseUrl, message] of cases) {
      const dataDir = await tempDir();
      const error = await failure(
        downloadAgNews({ url: caseUrl, dataDir, expectedMd5: fixtureMd5 }),
      );
      expect(error.code).toBe('DATASET_DOWNLOAD_FAILED');
      expect(error.message).toMatch(
        new RegExp(`^download of ${caseUrl.replace(/[.?]/g, '\\$&')} failed: `),
      );
      expect(error.message).toMatch(message);
      expect(await leftovers(dataDir)).toEqual([]);
    }
  });

  it('refuses to overwrite an existing ag_news folder', async () => {
    const { url, requests } = await serveBytes(await buildArchive(files));
    const dataDir = await tempDir();
    await downloadAgNews({ url, dataDir, expectedMd5: fixtureMd5 });
    const error = await failure(downloadAgNews({ url, dataDir, expectedMd5: fixtureMd5 }));
    expect(error.message).toMatch(/ag_news already exists; remove it to download again$/);
    expect(requests).toHaveLength(1);
  });

  it('lets two concurrent downloads into one folder both succeed with one copy', async () => {
    const { url, requests } = await serveBytes(await buildArchive(files));
    const dataDir = await tempDir();
    const results = await Promise.all([
      downloadAgNews({ url, dataDir, expectedMd5: fixtureMd5 }),
      downloadAgNews({ url, dataDir, expectedMd5: fixtureMd5 }),
    ]);
    expect(results.map((r) => r.dir)).toEqual([join(dataDir, 'ag_news'), join(dataDir, 'ag_news')]);
    expect(requests).toHaveLength(2);
    expect(await leftovers(dataDir)).toEqual(['ag_news']);
    expect((await readdir(join(dataDir, 'ag_news'))).sort()).toEqual([
      'classes.txt',
      'test.csv',
      'train.csv',
    ]);
  });

  it('times out', async () => {
    const server = await serve(() => undefined);
    closers.push(server.close);
    const error = await failure(
      downloadAgNews({
        url: `${server.baseUrl}/ag_news_csv.tgz`,
        dataDir: await tempDir(),
        timeoutMs: 200,
      }),
    );
    expect(error.message).toMatch(/not finished within 200 ms$/);
  });
});
