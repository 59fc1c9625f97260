import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BackendName, initBackend } from '../src/backend.js';

/** Switches backend without the log line; cpu keeps tfjs's own kernels (the test reference). */
export function useBackend(name: BackendName, options: { fastCpuKernels?: boolean } = {}) {
  return initBackend({
    backend: name,
    log: () => {},
    fastCpuKernels: options.fastCpuKernels ?? false,
  });
}

/** A fresh temp directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'newscell-models-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A tiny separable topic task: each class owns a band of token ids, texts are 2–`maxLength`
 * tokens from their class's band plus shared noise tokens, padded with 0.
 */
export function syntheticTopics(options: {
  n: number;
  maxLength: number;
  numClasses?: number;
  vocabSize?: number;
  seed?: number;
}): { ids: Int32Array; labels: Int32Array; vocabSize: number } {
  const numClasses = options.numClasses ?? 4;
  const vocabSize = options.vocabSize ?? 40;
  let state = (options.seed ?? 1) >>> 0;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const band = Math.floor((vocabSize - 2) / (numClasses + 1));
  const ids = new Int32Array(options.n * options.maxLength);
  const labels = new Int32Array(options.n);
  for (let i = 0; i < options.n; i++) {
    const label = i % numClasses;
    labels[i] = label;
    const length = 2 + Math.floor(rand() * (options.maxLength - 1));
    for (let t = 0; t < Math.min(length, options.maxLength); t++) {
      const noise = rand() < 0.3;
      const bandIndex = noise ? numClasses : label;
      ids[i * options.maxLength + t] = 2 + bandIndex * band + Math.floor(rand() * band);
    }
  }
  return { ids, labels, vocabSize };
}
