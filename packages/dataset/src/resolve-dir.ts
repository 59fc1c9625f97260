import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AG_NEWS_DEFAULT_URL } from './agnews-files.js';
import { DatasetError } from './dataset-error.js';
import { type DownloadAgNewsOptions, downloadAgNews } from './download.js';
import { missingAgNewsFiles } from './missing-files.js';

export type AgNewsDirSource = 'env' | 'local' | 'download';

export interface ResolveAgNewsDirOptions extends DownloadAgNewsOptions {
  /**
   * Download the archive when neither `AGNEWS_DIR` nor `<dataDir>/ag_news` holds the files.
   * @defaultValue `true`
   */
  download?: boolean;
}

export interface ResolvedAgNewsDir {
  /** Absolute folder holding `train.csv`, `test.csv` and `classes.txt`. */
  dir: string;
  source: AgNewsDirSource;
}

const HOW_TO_POINT =
  'To use a copy you already have, set AGNEWS_DIR to the folder that holds train.csv, test.csv and classes.txt (for example AGNEWS_DIR=/path/to/ag_news_csv).';

/**
 * Finds the AG News files: `AGNEWS_DIR` if set (used as it is, never downloaded over), else
 * `<dataDir>/ag_news`, else a download into it. Throws `DATASET_NOT_FOUND` listing every place
 * tried and why it failed.
 */
export async function resolveAgNewsDir(
  options: ResolveAgNewsDirOptions = {},
): Promise<ResolvedAgNewsDir> {
  const env = options.env ?? process.env;
  const fromEnv = env['AGNEWS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = resolve(fromEnv);
    const problem = await folderProblem(dir);
    if (problem !== undefined) {
      throw new DatasetError(
        'DATASET_NOT_FOUND',
        `AGNEWS_DIR=${fromEnv} cannot be used: ${problem}. Point AGNEWS_DIR at the folder that holds train.csv, test.csv and classes.txt, or unset it to use ./data/ag_news or a download.`,
        { details: { env: 'AGNEWS_DIR', dir, problem } },
      );
    }
    return { dir, source: 'env' };
  }

  const tried = ['AGNEWS_DIR: not set'];
  const local = join(resolve(options.dataDir ?? 'data'), 'ag_news');
  const localProblem = await folderProblem(local);
  if (localProblem === undefined) return { dir: local, source: 'local' };
  tried.push(`${local}: ${localProblem}`);

  const url = options.url ?? (env['AGNEWS_URL'] || AG_NEWS_DEFAULT_URL);
  let cause: unknown;
  if (await exists(local)) {
    tried.push(`download ${url}: not attempted, because ${local} exists; complete or remove it`);
  } else if (options.download === false) {
    tried.push(`download ${url}: not attempted (download: false)`);
  } else {
    try {
      const downloaded = await downloadAgNews({ ...options, env, url });
      return { dir: downloaded.dir, source: 'download' };
    } catch (error) {
      cause = error;
      const reason = error instanceof Error ? error.message : String(error);
      tried.push(`download ${url}: ${reason}`);
    }
  }
  const lines = tried.map((line, index) => `  ${index + 1}. ${line}`).join('\n');
  throw new DatasetError(
    'DATASET_NOT_FOUND',
    `AG News files not found. Tried:\n${lines}\n${HOW_TO_POINT}`,
    {
      details: { tried },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

async function folderProblem(dir: string): Promise<string | undefined> {
  if (!(await exists(dir))) return 'does not exist';
  const missing = await missingAgNewsFiles(dir);
  return missing.length === 0 ? undefined : `exists but lacks ${missing.join(', ')}`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
