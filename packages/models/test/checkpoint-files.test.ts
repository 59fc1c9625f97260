import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../src/checkpoint-files.js';
import { resolveClassifierConfig } from '../src/classifier-config.js';
import type { TrainingCheckpoint } from '../src/training-checkpoint.js';
import { resolveTrainingOptions } from '../src/training-options.js';
import { tempDir } from './helpers.js';

const checkpoint = (): TrainingCheckpoint => ({
  formatVersion: 1,
  epochsCompleted: 2,
  config: resolveClassifierConfig({ vocabSize: 10 }),
  options: resolveTrainingOptions({}),
  trainSize: 100,
  validationSize: 10,
  randomState: [1, 2, 3, 4],
  weights: [
    { name: 'w', shape: [2, 2], dtype: 'float32', values: Float32Array.from([0.5, -1, 2, 3.25]) },
    { name: 'b', shape: [3], dtype: 'float32', values: Float32Array.from([1, 2, 3]) },
  ],
  optimizer: [{ name: 'iter', shape: [], dtype: 'int32', values: Int32Array.from([7]) }],
  best: {
    epoch: 1,
    validationLoss: 0.7,
    weights: [{ name: 'w', shape: [1], dtype: 'float32', values: Float32Array.from([9]) }],
  },
  epochsWithoutImprovement: 1,
  history: [{ epoch: 1, loss: 1, accuracy: 0.5, samplesPerSecond: 10, seconds: 1 }],
  trainingSeconds: 12.5,
  samplesSeen: 200,
});

describe('writeCheckpoint / readCheckpoint', () => {
  it('round-trips every field and replaces the previous checkpoint', async () => {
    const { dir, cleanup } = await tempDir();
    const target = path.join(dir, 'ckpt');
    expect(await readCheckpoint(target)).toBeNull();
    await writeCheckpoint(target, { ...checkpoint(), epochsCompleted: 1 });
    await writeCheckpoint(target, checkpoint());
    expect(await readCheckpoint(target)).toEqual(checkpoint());
    await cleanup();
  });

  it('refuses a damaged tensor file', async () => {
    const { dir, cleanup } = await tempDir();
    await writeCheckpoint(dir, checkpoint()); // replaces the (empty) temp dir
    const bin = path.join(dir, 'tensors.bin');
    const bytes = await readFile(bin);
    bytes[3] = (bytes[3] ?? 0) ^ 0xff;
    await writeFile(bin, bytes);
    await expect(readCheckpoint(dir)).rejects.toThrow(
      /tensors\.bin \(\d+ bytes\) does not match checkpoint\.json/,
    );
    await cleanup();
  });

  it('finds the previous checkpoint when a replacement was interrupted between its renames', async () => {
    const { dir, cleanup } = await tempDir();
    const target = path.join(dir, 'ckpt');
    await writeCheckpoint(target, { ...checkpoint(), epochsCompleted: 1 });
    // A kill right after the old directory was moved aside, before the new one took its place.
    await rename(target, `${target}.old-1234-abcd`);
    const recovered = await readCheckpoint(target);
    expect(recovered?.epochsCompleted).toBe(1);
    expect(await readdir(dir)).toEqual(['ckpt']);
    await cleanup();
  });
});
