import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { NewscellError } from '@newscell/contracts';

/** One row of `newscell models`. */
export interface RegistryEntry {
  id: string;
  cell: string;
  created: string;
  accuracy: number | null;
  macroF1: number | null;
  epochs: number | null;
  /** Set when the directory could not be read as a model. */
  problem: string | null;
}

/**
 * A model given on the command line: a path to a model directory, or an id in `modelsDir`.
 * Throws `MODEL_NOT_FOUND` saying where it looked.
 */
export function resolveModelDir(ref: string, modelsDir: string): string {
  if (existsSync(join(resolve(ref), 'manifest.json'))) return resolve(ref);
  const inRegistry = join(modelsDir, ref);
  if (existsSync(join(inRegistry, 'manifest.json'))) return inRegistry;
  throw new NewscellError(
    'MODEL_NOT_FOUND',
    `model '${ref}' not found: no model directory ${inRegistry} (MODELS_DIR=${modelsDir}); run 'newscell models' to list the models`,
    { details: { model: ref, modelsDir } },
  );
}

/** Every model directory in `modelsDir`, newest first; an unreadable one is listed with its problem. */
export async function listRegistry(modelsDir: string): Promise<RegistryEntry[]> {
  let names: string[];
  try {
    names = (await readdir(modelsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
  const entries = await Promise.all(names.map((name) => readEntry(join(modelsDir, name), name)));
  return entries.sort((a, b) => b.created.localeCompare(a.created) || a.id.localeCompare(b.id));
}

async function readEntry(dir: string, name: string): Promise<RegistryEntry> {
  const empty = { id: name, cell: '-', created: '', accuracy: null, macroF1: null, epochs: null };
  let manifest: { id?: unknown; cell?: unknown; created?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    return { ...empty, problem: `manifest.json: ${(error as Error).message}` };
  }
  let metrics: {
    test?: { accuracy?: unknown; macroF1?: unknown };
    training?: { epochsCompleted?: unknown };
  } = {};
  try {
    metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8'));
  } catch {
    // A model saved without metrics is still a model; its figures show as '-'.
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    id: typeof manifest.id === 'string' ? manifest.id : name,
    cell: typeof manifest.cell === 'string' ? manifest.cell : '-',
    created: typeof manifest.created === 'string' ? manifest.created : '',
    accuracy: num(metrics.test?.accuracy),
    macroF1: num(metrics.test?.macroF1),
    epochs: num(metrics.training?.epochsCompleted),
    problem: null,
  };
}
