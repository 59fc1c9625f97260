import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClassifier, evaluateClassifier, initBackend, saveClassifier } from '@newscell/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCompletedChild } from '../src/comparison-processor.js';
import { summariseComparison } from '../src/comparison-summary.js';

let modelsDir: string;
const child = (seed: number) => ({ jobId: `job-${seed}`, cell: 'bow' as const, seed });

const metrics = {
  parameterCount: 24,
  test: { accuracy: 0.5, macroF1: 0.5, perClass: [{ label: 'World', f1: 0.5 }] },
  training: { seconds: 1, samplesPerSecond: 10 },
  inference: { msPerTextBatch1: 1, msPerTextBatch64: 0.1 },
};

async function saveModel(id: string): Promise<void> {
  const classifier = buildClassifier({ cell: 'bow', vocabSize: 5, embeddingDim: 2, maxLength: 3 });
  const ids = Int32Array.from([1, 2, 3, 2, 3, 4, 0, 1, 1, 4, 4, 2]);
  const labels = Int32Array.from([0, 1, 2, 3]);
  const { predictions } = evaluateClassifier(classifier, { ids, labels });
  await saveClassifier(join(modelsDir, id), classifier, {
    id,
    backend: await initBackend({ log: () => {} }),
    vocabularyHash: 'v',
    datasetSplitHash: 's',
    metrics,
    predictions,
  });
  classifier.model.dispose();
}

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'newscell-cmp-'));
  for (const id of ['bow-kept', 'bow-deleted', 'bow-damaged']) await saveModel(id);
});
afterAll(async () => {
  await rm(modelsDir, { recursive: true, force: true });
});

describe('readCompletedChild', () => {
  it('reads a completed child’s figures and predictions', async () => {
    const read = await readCompletedChild(modelsDir, 'bow-kept', child(1));
    expect(read).toMatchObject({ modelId: 'bow-kept', metrics: { accuracy: 0.5 } });
  });

  it('turns a model deleted or damaged since into a failed child, so the rest is summarised', async () => {
    await rm(join(modelsDir, 'bow-deleted'), { recursive: true });
    await writeFile(join(modelsDir, 'bow-damaged', 'metrics.json'), 'null');
    const deleted = await readCompletedChild(modelsDir, 'bow-deleted', child(2));
    expect(deleted).toEqual({
      ...child(2),
      state: 'failed',
      reason: 'model bow-deleted was deleted after its training completed',
    });
    const damaged = await readCompletedChild(modelsDir, 'bow-damaged', child(3));
    expect(damaged).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /^model bow-damaged cannot be read: MODEL_CORRUPT: .*metrics\.json/,
      ),
    });
    const kept = await readCompletedChild(modelsDir, 'bow-kept', child(1));
    if ('state' in kept) throw new Error(kept.reason ?? 'not read');
    const summary = summariseComparison({
      cells: ['bow', 'gru'],
      completed: [kept],
      outcomes: [
        { ...child(1), state: 'completed', reason: null },
        deleted as never,
        damaged as never,
      ],
      cancelled: false,
    });
    expect(summary.notCompleted).toHaveLength(2);
  });
});
