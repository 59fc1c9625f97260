import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClassifier } from '@newscell/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineCache } from '../src/pipeline-cache.js';
import { runTraining } from '../src/run-training.js';
import { removeTempDirs, tempDir, writeAgNewsFixture } from './support/agnews-fixture.js';

// Random embeddings: these tests are about the pipeline's mechanics, and skip-gram vectors from a
// few dozen fixture texts would only add noise (the default skip-gram is covered by real-data.test).
const tiny = (overrides: Record<string, unknown> = {}) => ({
  model: { cell: 'bow', embeddingDim: 8 },
  training: { epochs: 1, batchSize: 16 },
  embeddings: { source: 'random' },
  ...overrides,
});

describe('runTraining on a tiny AG News folder', () => {
  let agNewsDir: string;
  let modelsDir: string;

  beforeAll(async () => {
    agNewsDir = await writeAgNewsFixture();
    modelsDir = await tempDir();
  });
  afterAll(removeTempDirs);

  it('trains, evaluates and saves a model whose metrics hold the resolved spec', async () => {
    const phases: string[] = [];
    const epochs: number[] = [];
    const run = await runTraining(tiny({ training: { epochs: 2, batchSize: 16 } }), {
      modelsDir,
      modelId: 'bow-first',
      agNewsDir,
      onPhase: (p) => {
        phases.push(p);
      },
      onEpoch: (_e, record) => {
        epochs.push(record.epoch);
      },
    });
    expect(phases).toEqual([
      'loading',
      'vocabulary',
      'embeddings',
      'training',
      'evaluating',
      'saving',
    ]);
    expect(epochs).toEqual([1, 2]);
    expect(run.result).toMatchObject({ modelId: 'bow-first', cell: 'bow', epochs: 2 });
    expect(run.result.accuracy).toBeGreaterThan(0.5);
    expect(run.history).toHaveLength(2);
    const metrics = JSON.parse(await readFile(join(run.modelDir, 'metrics.json'), 'utf8'));
    expect(metrics.spec).toEqual(run.spec);
    expect(metrics.spec.training.epochs).toBe(2);
    expect(metrics.spec.tokenizer.maxLength).toBeGreaterThan(0);
    const loaded = await loadClassifier(run.modelDir);
    expect(loaded.manifest.id).toBe('bow-first');
    loaded.classifier.model.dispose();
  });

  it('skips data and vocabulary work on a second run with the same data options, and says so', async () => {
    const cache = new PipelineCache();
    const logs: string[][] = [[], [], [], []];
    const runWith = (i: number, spec: Record<string, unknown>) =>
      runTraining(spec, {
        modelsDir,
        agNewsDir,
        cache,
        log: (line) => {
          logs[i]?.push(line);
        },
      });
    const first = await runWith(0, tiny());
    // Only model settings differ: data and vocabulary come from the cache.
    const second = await runWith(1, tiny({ model: { cell: 'bow', embeddingDim: 4 } }));
    // A tokenizer option differs: the data is reused, the vocabulary is built again.
    const third = await runWith(2, tiny({ tokenizer: { minFrequency: 3 } }));
    // A data option differs: nothing is reused.
    const fourth = await runWith(3, tiny({ data: { seed: 7 } }));

    expect(first.cache).toEqual({ dataset: false, vocabulary: false, embeddings: null });
    expect(second.cache).toEqual({ dataset: true, vocabulary: true, embeddings: null });
    expect(third.cache).toEqual({ dataset: true, vocabulary: false, embeddings: null });
    expect(fourth.cache).toEqual({ dataset: false, vocabulary: false, embeddings: null });
    expect(logs[1]?.join('\n')).toMatch(
      /vocabulary: \d+ tokens .*cache hit [0-9a-f]{12}: [\d.]+ s instead of [\d.]+ s/,
    );
    expect(logs[1]?.join('\n')).toMatch(/data: .*cache hit/);
    expect(logs[0]?.join('\n')).toMatch(/vocabulary: .*cache miss/);
    expect(second.timings.vocabulary).toBeLessThanOrEqual(first.timings.vocabulary);
    expect(cache.stats).toMatchObject({ hits: 3, misses: 5 });
  });

  it('reuses skip-gram embeddings for the same vocabulary and settings', async () => {
    const cache = new PipelineCache();
    const spec = tiny({ embeddings: { source: 'skipgram', epochs: 1 } });
    const first = await runTraining(spec, { modelsDir, agNewsDir, cache });
    const again = await runTraining(spec, { modelsDir, agNewsDir, cache });
    const otherDim = await runTraining(
      tiny({
        embeddings: { source: 'skipgram', epochs: 1 },
        model: { cell: 'bow', embeddingDim: 6 },
      }),
      { modelsDir, agNewsDir, cache },
    );
    expect(first.cache.embeddings).toBe(false);
    expect(again.cache.embeddings).toBe(true);
    expect(otherDim.cache.embeddings).toBe(false);
  });

  it('stops when aborted, keeps the checkpoint, and a second run resumes after the finished epoch', async () => {
    const checkpointDir = join(await tempDir(), 'job-1');
    const abort = new AbortController();
    const spec = tiny({ training: { epochs: 2, batchSize: 16, patience: 0 } });
    await expect(
      runTraining(spec, {
        modelsDir,
        modelId: 'bow-resumed',
        agNewsDir,
        checkpointDir,
        signal: abort.signal,
        onEpoch: () => abort.abort('test stop'),
      }),
    ).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    expect(existsSync(checkpointDir)).toBe(true);
    expect(existsSync(join(modelsDir, 'bow-resumed'))).toBe(false);

    const trained: number[] = [];
    const logs: string[] = [];
    const resumed = await runTraining(spec, {
      modelsDir,
      modelId: 'bow-resumed',
      agNewsDir,
      checkpointDir,
      onEpoch: (e) => {
        trained.push(e.epoch);
      },
      log: (line) => {
        logs.push(line);
      },
    });
    expect(resumed.result.resumedFromEpoch).toBe(1);
    expect(trained).toEqual([2]);
    expect(logs).toContain('resuming from the checkpoint after epoch 1');
    expect(existsSync(checkpointDir)).toBe(false);
  });

  it('a resume takes vocabulary and model from the checkpoint: no vocabulary or skip-gram rebuilt', async () => {
    const checkpointDir = join(await tempDir(), 'job-2');
    const spec = tiny({
      training: { epochs: 2, batchSize: 16, patience: 0 },
      embeddings: { source: 'skipgram', epochs: 1 },
    });
    const abort = new AbortController();
    const first: string[] = [];
    await expect(
      runTraining(spec, {
        modelsDir,
        modelId: 'skipgram-resumed',
        agNewsDir,
        checkpointDir,
        signal: abort.signal,
        onEpoch: () => abort.abort('test stop'),
        log: (line) => {
          first.push(line);
        },
      }),
    ).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    expect(first.some((l) => l.startsWith('embeddings: skip-gram'))).toBe(true);

    const logs: string[] = [];
    const resumed = await runTraining(spec, {
      modelsDir,
      modelId: 'skipgram-resumed',
      agNewsDir,
      checkpointDir,
      log: (line) => {
        logs.push(line);
      },
    });
    expect(resumed.result.resumedFromEpoch).toBe(1);
    expect(logs.find((l) => l.startsWith('vocabulary:'))).toMatch(/; from the checkpoint$/);
    expect(logs).toContain('embeddings: not rebuilt (the checkpoint holds the trained weights)');
    expect(logs.some((l) => l.startsWith('embeddings: skip-gram'))).toBe(false);
    expect(resumed.timings.vocabulary).toBe(0);
    expect(resumed.timings.embeddings).toBe(0);
    // The same model as without the interruption would have: pretrained-initialised, same size.
    const firstVocabulary = first.find((l) => l.startsWith('vocabulary:'))?.split(';')[0];
    expect(logs.find((l) => l.startsWith('vocabulary:'))?.split(';')[0]).toBe(firstVocabulary);
  });

  it("never resumes another spec's checkpoint: says so and trains from the start", async () => {
    const checkpointDir = join(await tempDir(), 'job-3');
    const abort = new AbortController();
    await expect(
      runTraining(tiny({ training: { epochs: 2, batchSize: 16, patience: 0 } }), {
        modelsDir,
        modelId: 'spec-a',
        agNewsDir,
        checkpointDir,
        signal: abort.signal,
        onEpoch: () => abort.abort('test stop'),
      }),
    ).rejects.toMatchObject({ code: 'JOB_CANCELLED' });
    const logs: string[] = [];
    const other = await runTraining(
      tiny({ training: { epochs: 2, batchSize: 16, patience: 0, learningRate: 0.01 } }),
      {
        modelsDir,
        modelId: 'spec-b',
        agNewsDir,
        checkpointDir,
        log: (line) => {
          logs.push(line);
        },
      },
    );
    expect(other.result.resumedFromEpoch).toBe(0);
    expect(logs).toContain(
      'checkpoint not resumed, training from the start: it was made by a different training spec',
    );
  });

  it('rejects a bad spec before reading any data', async () => {
    await expect(
      runTraining(
        { model: { cell: 'bow', pooling: 'last' } },
        { modelsDir, agNewsDir: '/nonexistent' },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('refuses a job over the budget before reading any data (LIMIT_EXCEEDED)', async () => {
    const phases: string[] = [];
    const hostile = {
      model: { cell: 'lstm', layers: 4, hiddenUnits: 1024, embeddingDim: 1024 },
      tokenizer: { maxLength: 2048, maxVocabulary: 1_000_000 },
      training: { batchSize: 4096, epochs: 200 },
    };
    await expect(
      runTraining(hostile, { modelsDir, agNewsDir, onPhase: (p) => void phases.push(p) }),
    ).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('NEWSCELL_MAX_JOB_MEMORY_MB'),
    });
    expect(phases).toEqual([]);
  });

  it('uses the budget it is given (the worker passes the validated environment)', async () => {
    const phases: string[] = [];
    const tight = { maxJobMemoryMb: 1e6, maxJobGflop: 1, maxComparisonGflop: 1e9 };
    await expect(
      runTraining(tiny(), {
        modelsDir,
        agNewsDir,
        budget: tight,
        onPhase: (p) => void phases.push(p),
      }),
    ).rejects.toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('exceeds the limit 1 GFLOP (NEWSCELL_MAX_JOB_GFLOP)'),
    });
    expect(phases).toEqual([]);
  });
});
