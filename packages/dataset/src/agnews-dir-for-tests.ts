import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AG_NEWS_FILES } from './agnews-files.js';
import { DatasetError } from './dataset-error.js';

/**
 * The real AG News folder for tests and benchmarks: `AGNEWS_DIR`, else `../shared/data/ag_news`
 * beside the repository root. Throws when it is missing, so a test on real data fails loudly
 * instead of being skipped.
 */
export function agNewsDirFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const fromEnv = env['AGNEWS_DIR'];
  const dir = fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : defaultSharedAgNewsDir();
  const missing = Object.values(AG_NEWS_FILES).filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    const where = fromEnv ? `AGNEWS_DIR=${fromEnv}` : `the default ${dir}`;
    throw new DatasetError(
      'DATASET_NOT_FOUND',
      `real AG News data not found: ${where} lacks ${missing.join(', ')}. Set AGNEWS_DIR to the folder holding train.csv, test.csv and classes.txt.`,
      { details: { dir, missing } },
    );
  }
  return dir;
}

/** `<repository root>/../shared/data/ag_news`, the repository root being the npm workspaces root. */
export function defaultSharedAgNewsDir(): string {
  const root =
    findWorkspaceRoot(dirname(fileURLToPath(import.meta.url))) ?? findWorkspaceRoot(process.cwd());
  if (root === undefined) {
    throw new DatasetError(
      'DATASET_NOT_FOUND',
      'cannot find the newscell repository root (a package.json with "workspaces") to locate ../shared/data/ag_news; set AGNEWS_DIR instead',
    );
  }
  return resolve(root, '..', 'shared', 'data', 'ag_news');
}

/**
 * The npm workspaces root at or above `start` (a package.json with `workspaces`), or undefined.
 * Also how the CLI finds the repository's `var/models`.
 */
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
