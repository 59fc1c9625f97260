import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import {
  pathExists,
  recoverInterruptedSwap,
  writeDirectoryAtomically,
} from './atomic-directory.js';
import { digest } from './model-manifest.js';
import type { StoredTensor, TrainingCheckpoint } from './training-checkpoint.js';

const CHECKPOINT_JSON = 'checkpoint.json';
const TENSORS_BIN = 'tensors.bin';

type TensorRef = Omit<StoredTensor, 'values'> & { offset: number; length: number };

/**
 * Stores a checkpoint as `checkpoint.json` (everything but tensor values) + `tensors.bin`,
 * replacing `dir` atomically, so a crash mid-write keeps the previous epoch's checkpoint.
 */
export async function writeCheckpoint(dir: string, checkpoint: TrainingCheckpoint): Promise<void> {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const ref = (t: StoredTensor): TensorRef => {
    const bytes = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength);
    chunks.push(bytes);
    const r = { name: t.name, shape: t.shape, dtype: t.dtype, offset, length: t.values.length };
    offset += bytes.byteLength;
    return r;
  };
  const json = {
    ...checkpoint,
    weights: checkpoint.weights.map(ref),
    optimizer: checkpoint.optimizer.map(ref),
    best: checkpoint.best && { ...checkpoint.best, weights: checkpoint.best.weights.map(ref) },
  };
  const bin = Buffer.concat(chunks);
  await writeDirectoryAtomically(
    dir,
    async (temp) => {
      await writeFile(path.join(temp, TENSORS_BIN), bin);
      await writeFile(
        path.join(temp, CHECKPOINT_JSON),
        JSON.stringify({ ...json, tensorsBin: digest(bin) }),
      );
    },
    { overwrite: true },
  );
}

/** Reads a checkpoint written by `writeCheckpoint`, or null when `dir` does not exist. */
export async function readCheckpoint(dir: string): Promise<TrainingCheckpoint | null> {
  await recoverInterruptedSwap(dir);
  if (!(await pathExists(dir))) return null;
  const jsonPath = path.join(dir, CHECKPOINT_JSON);
  let json: Record<string, unknown> & { tensorsBin?: { bytes: number; sha256: string } };
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${jsonPath} cannot be read: ${(error as Error).message}`,
      {
        details: { file: CHECKPOINT_JSON },
      },
    );
  }
  const binPath = path.join(dir, TENSORS_BIN);
  const bin = await readFile(binPath).catch(() => Buffer.alloc(0));
  const actual = digest(bin);
  if (json.tensorsBin?.sha256 !== actual.sha256 || json.formatVersion !== 1) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${binPath} (${actual.bytes} bytes) does not match ${CHECKPOINT_JSON} (${json.tensorsBin?.bytes} bytes expected)`,
      { details: { file: TENSORS_BIN } },
    );
  }
  const copy = Uint8Array.from(bin); // aligned, owned storage for the typed-array views
  const load = (r: TensorRef): StoredTensor => ({
    name: r.name,
    shape: r.shape,
    dtype: r.dtype,
    values:
      r.dtype === 'int32'
        ? new Int32Array(copy.buffer, r.offset, r.length)
        : new Float32Array(copy.buffer, r.offset, r.length),
  });
  const { tensorsBin: _digest, ...rest } = json;
  const best = rest.best as
    | (Omit<NonNullable<TrainingCheckpoint['best']>, 'weights'> & { weights: TensorRef[] })
    | null;
  return {
    ...(rest as unknown as TrainingCheckpoint),
    weights: (rest.weights as TensorRef[]).map(load),
    optimizer: (rest.optimizer as TensorRef[]).map(load),
    best: best && { ...best, weights: best.weights.map(load) },
  };
}
