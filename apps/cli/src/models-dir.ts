import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findWorkspaceRoot } from '@newscell/dataset';

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
  const root = findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)));
  return resolve(root ?? process.cwd(), configured);
}
