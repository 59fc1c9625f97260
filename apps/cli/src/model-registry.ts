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
  const manifest = await readObject(join(dir, 'manifest.json'));
  if (typeof manifest === 'string') return { ...empty, problem: `manifest.json: ${manifest}` };
  const created = typeof manifest.created === 'string' ? manifest.created : '';
  const base = {
    ...empty,
    id: typeof manifest.id === 'string' ? manifest.id : name,
    cell: typeof manifest.cell === 'string' ? manifest.cell : '-',
    created,
  };
  if (Number.isNaN(Date.parse(created))) {
    return { ...base, problem: 'manifest.json: created is not a date' };
  }
  // A model saved without metrics is still a model; its figures show as '-'.
  const metrics = existsSync(join(dir, 'metrics.json'))
    ? await readObject(join(dir, 'metrics.json'))
    : {};
  if (typeof metrics === 'string') return { ...base, problem: `metrics.json: ${metrics}` };
  const field = (part: unknown, key: string) => {
    const value = typeof part === 'object' && part !== null ? (part as Json)[key] : undefined;
    return typeof value === 'number' ? value : null;
  };
  return {
    ...base,
    accuracy: field(metrics.test, 'accuracy'),
    macroF1: field(metrics.test, 'macroF1'),
    epochs: field(metrics.training, 'epochsCompleted'),
    problem: null,
  };
}

type Json = Record<string, unknown>;

/** A JSON object read from `file`, or what is wrong with it. */
async function readObject(file: string): Promise<Json | string> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return (error as Error).message;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : 'not a JSON object';
}
