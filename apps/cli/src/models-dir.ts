import { resolve } from 'node:path';

/** `MODELS_DIR` when the environment sets none, as for the worker and the API. */
export const DEFAULT_MODELS_DIR = 'var/models';

/**
 * The model registry folder: `--models-dir`, else `MODELS_DIR`, else `var/models`. A relative path
 * is taken from the working directory — the one rule of the API and the worker too (`npm start`
 * runs them from the repository root, so `newscell` run there sees the models they saved).
 */
export function resolveModelsDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return resolve(flag ?? (env['MODELS_DIR'] || DEFAULT_MODELS_DIR));
}
