import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `MODELS_DIR` when the environment sets none, as for the worker and the API. */
export const DEFAULT_MODELS_DIR = 'var/models';

/**
 * The model registry folder: `--models-dir` (relative to the current directory), else
 * `MODELS_DIR`, else `var/models`, both relative to the repository root, so `newscell` finds the
 * models the worker saved from wherever it is run.
 */
export function resolveModelsDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (flag !== undefined) return resolve(flag);
  const configured = env['MODELS_DIR'] || DEFAULT_MODELS_DIR;
  if (isAbsolute(configured)) return configured;
  return resolve(repositoryRoot() ?? process.cwd(), configured);
}

/** The npm workspaces root above this file (the CLI runs from inside the repository). */
function repositoryRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ('workspaces' in JSON.parse(readFileSync(manifest, 'utf8'))) return dir;
      } catch {
        // Not the root if unreadable; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
