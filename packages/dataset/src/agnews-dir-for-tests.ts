import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError } from './dataset-error.js';
import { type DownloadAgNewsOptions, downloadAgNews } from './download.js';
import { missingAgNewsFiles } from './missing-files.js';

export interface AgNewsDirForTestsOptions {
  /**
   * Environment to read `AGNEWS_DIR`, `AGNEWS_URL` and `CI` from.
   * @defaultValue `process.env`
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The repository root, whose `data/ag_news` and `../shared/data/ag_news` are looked at.
   * @defaultValue the npm workspaces root above this file, else above the working directory
   */
  root?: string;
  /** For the last resort, a download into `<root>/data` (its URL, checksums, time limit). */
  download?: Pick<DownloadAgNewsOptions, 'url' | 'expectedMd5' | 'timeoutMs'>;
}

/**
 * The real AG News folder for tests and benchmarks, found the way the app finds it, plus the
 * developers' shared copy: `AGNEWS_DIR` (which must hold the files), else `<repository>/data/ag_news`
 * (where `npm start` run from the root reads or downloads it), else `../shared/data/ag_news` beside
 * the checkout, else a download into `<repository>/data` — but not with `CI` set: CI provides its
 * copy (`.ci/run` sets `AGNEWS_DIR`), and a run that lacks it must fail loudly, not fetch 30 MB.
 * Throws `DATASET_NOT_FOUND` listing every place tried, so a test on real data fails, never skips.
 */
export async function agNewsDirForTests(options: AgNewsDirForTestsOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const fromEnv = env['AGNEWS_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const dir = resolve(fromEnv);
    const missing = await missingAgNewsFiles(dir);
    if (missing.length > 0) {
      throw new DatasetError(
        'DATASET_NOT_FOUND',
        `real AG News data not found: AGNEWS_DIR=${fromEnv} lacks ${missing.join(', ')}. Point AGNEWS_DIR at the folder holding train.csv, test.csv and classes.txt, or unset it to look in ./data/ag_news, ../shared/data/ag_news or download.`,
        { details: { dir, missing } },
      );
    }
    return dir;
  }

  const root = options.root ?? repositoryRoot();
  const local = join(root, 'data', 'ag_news');
  const tried = ['AGNEWS_DIR: not set'];
  for (const dir of [local, resolve(root, '..', 'shared', 'data', 'ag_news')]) {
    const missing = await missingAgNewsFiles(dir);
    if (missing.length === 0) return dir;
    tried.push(`${dir}: ${existsSync(dir) ? `lacks ${missing.join(', ')}` : 'does not exist'}`);
  }
  if (isCi(env)) {
    tried.push(`download: not attempted, because CI=${env['CI']} (CI must provide the data)`);
  } else {
    try {
      return (await downloadAgNews({ ...options.download, dataDir: join(root, 'data'), env })).dir;
    } catch (error) {
      // Another test process may have finished the same download first.
      if ((await missingAgNewsFiles(local)).length === 0) return local;
      tried.push(`download: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const lines = tried.map((line, i) => `  ${i + 1}. ${line}`).join('\n');
  throw new DatasetError(
    'DATASET_NOT_FOUND',
    `real AG News data not found. Tried:\n${lines}\nSet AGNEWS_DIR to the folder holding train.csv, test.csv and classes.txt.`,
    { details: { tried } },
  );
}

function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** The npm workspaces root above this file (or above the working directory). */
function repositoryRoot(): string {
  const root =
    findWorkspaceRoot(dirname(fileURLToPath(import.meta.url))) ?? findWorkspaceRoot(process.cwd());
  if (root === undefined) {
    throw new DatasetError(
      'DATASET_NOT_FOUND',
      'cannot find the newscell repository root (a package.json with "workspaces") to look for data/ag_news; set AGNEWS_DIR instead',
    );
  }
  return root;
}

/** The npm workspaces root at or above `start` (a package.json with `workspaces`), or undefined. */
export function findWorkspaceRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ('workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
      } catch {
        // An unreadable package.json is not the root; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
