import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { extract } from 'tar';
import {
  AG_NEWS_DEFAULT_URL,
  AG_NEWS_FILES,
  AG_NEWS_MD5,
  type AgNewsSplitName,
} from './agnews-files.js';
import { DatasetError } from './dataset-error.js';
import { hashFile } from './file-md5.js';
import { missingAgNewsFiles } from './missing-files.js';

export interface DownloadAgNewsOptions {
  /**
   * Archive to fetch: a `.tgz` holding `train.csv`, `test.csv` and `classes.txt`, at its top
   * level or in one folder (the original has `ag_news_csv/`).
   * @defaultValue `env.AGNEWS_URL`, else {@link AG_NEWS_DEFAULT_URL}
   */
  url?: string;
  /**
   * Folder that receives `ag_news/`; relative paths resolve against the working directory.
   * @defaultValue `'data'`
   */
  dataDir?: string;
  /**
   * MD5s the extracted `train.csv` and `test.csv` must have; a split left out is not checked.
   * @defaultValue {@link AG_NEWS_MD5} (the complete original files)
   */
  expectedMd5?: Partial<Record<AgNewsSplitName, string>>;
  /**
   * Give up when the whole download has not finished within this time.
   * @defaultValue `300000` (5 minutes)
   */
  timeoutMs?: number;
  /** Cancels the download. */
  signal?: AbortSignal;
  /** Called as bytes arrive; `total` is undefined when the server does not say. */
  onProgress?: (received: number, total: number | undefined) => void;
  /**
   * Environment to read `AGNEWS_URL` from.
   * @defaultValue `process.env`
   */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface DownloadedAgNews {
  /** The new `<dataDir>/ag_news` folder. */
  dir: string;
  url: string;
  /** Size of the archive. */
  bytes: number;
  /** MD5 of the extracted CSV files. */
  md5: Record<AgNewsSplitName, string>;
}

const ARCHIVE_MEMBERS = new Set<string>([...Object.values(AG_NEWS_FILES), 'readme.txt']);

/**
 * Downloads and extracts the AG News archive into `<dataDir>/ag_news`, checking the CSV files'
 * MD5s. Everything happens in a temporary sibling folder that is renamed into place only after
 * the checks pass, so an interrupted or corrupt download never leaves a partial `ag_news/`.
 */
export async function downloadAgNews(
  options: DownloadAgNewsOptions = {},
): Promise<DownloadedAgNews> {
  const env = options.env ?? process.env;
  const url = options.url ?? (env['AGNEWS_URL'] || AG_NEWS_DEFAULT_URL);
  const dataDir = resolve(options.dataDir ?? 'data');
  const target = join(dataDir, 'ag_news');
  const expectedMd5 = options.expectedMd5 ?? AG_NEWS_MD5;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const failed = (why: string, cause?: unknown) =>
    new DatasetError('DATASET_DOWNLOAD_FAILED', `download of ${url} failed: ${why}`, {
      details: { url, target },
      ...(cause === undefined ? {} : { cause }),
    });

  if (await exists(target)) {
    throw failed(`${target} already exists; remove it to download again`);
  }
  await mkdir(dataDir, { recursive: true });
  const work = await mkdtemp(join(dataDir, '.ag_news-download-'));
  try {
    const archive = join(work, 'ag_news_csv.tgz');
    const bytes = await fetchToFile(url, archive, timeoutMs, options, failed);
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    try {
      await extract({
        file: archive,
        cwd: unpacked,
        strict: true,
        filter: (path, entry) => {
          const type = 'type' in entry ? entry.type : undefined;
          const depth = path.split('/').filter(Boolean).length;
          if (type === 'Directory') return depth === 1;
          return type === 'File' && depth <= 2 && ARCHIVE_MEMBERS.has(basename(path));
        },
      });
    } catch (error) {
      throw failed(`the file is not a readable .tgz archive (${(error as Error).message})`, error);
    }
    const dir = await findAgNewsFolder(unpacked);
    if (dir === undefined) {
      throw failed(
        `the archive does not hold ${Object.values(AG_NEWS_FILES).join(', ')} at its top level or in one folder`,
      );
    }
    const md5 = {
      train: await hashFile(join(dir, AG_NEWS_FILES.train), 'md5'),
      test: await hashFile(join(dir, AG_NEWS_FILES.test), 'md5'),
    };
    for (const split of ['train', 'test'] as const) {
      const expected = expectedMd5[split];
      if (expected !== undefined && expected.toLowerCase() !== md5[split]) {
        throw new DatasetError(
          'DATASET_CHECKSUM_MISMATCH',
          `${AG_NEWS_FILES[split]} from ${url} has MD5 ${md5[split]}, expected ${expected}: the archive is corrupt or is not the original AG News; nothing was kept`,
          { details: { url, file: AG_NEWS_FILES[split], actual: md5[split], expected } },
        );
      }
    }
    try {
      await rename(dir, target);
    } catch (error) {
      // Another process may have finished the same download first; its copy is as good.
      if ((await missingAgNewsFiles(target)).length > 0) {
        throw failed(`cannot move the files into ${target} (${(error as Error).message})`, error);
      }
    }
    return { dir: target, url, bytes, md5 };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function fetchToFile(
  url: string,
  file: string,
  timeoutMs: number,
  options: DownloadAgNewsOptions,
  failed: (why: string, cause?: unknown) => DatasetError,
): Promise<number> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let received = 0;
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw failed(`HTTP ${response.status} ${response.statusText}`.trim());
    }
    const header = response.headers.get('content-length');
    const total = header === null ? undefined : Number(header);
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        options.onProgress?.(received, total);
        done(null, chunk);
      },
    });
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      count,
      createWriteStream(file),
    );
    if (total !== undefined && received !== total) {
      throw failed(`the server announced ${total} bytes but sent ${received}`);
    }
    return received;
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    if (timeout.aborted) throw failed(`not finished within ${timeoutMs} ms`, error);
    if (options.signal?.aborted) throw failed('cancelled', error);
    throw failed(describeNetworkError(error), error);
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause instanceof Error ? `${message} (${cause.message})` : message;
}

async function findAgNewsFolder(root: string): Promise<string | undefined> {
  if ((await missingAgNewsFiles(root)).length === 0) return root;
  const entries = await readdir(root, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const candidate = join(root, entry.name);
    if ((await missingAgNewsFiles(candidate)).length === 0) return candidate;
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
