import { CELL_TYPES, isNewscellError, TRAINING_BUDGET_DEFAULTS } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { resolveTrainingSpec } from '../src/resolve-training-spec.js';
import { checkComparisonBudget, checkTrainingBudget } from '../src/training-budget.js';
import { AG_NEWS_BOUNDS, estimateTrainingCost } from '../src/training-cost.js';

const estimate = (spec: unknown) => estimateTrainingCost(resolveTrainingSpec(spec));

/** The job of issue 13: accepted (202) before the budget existed. */
const HOSTILE = {
  model: { cell: 'lstm', layers: 4, bidirectional: true, hiddenUnits: 1024, embeddingDim: 1024 },
  tokenizer: { maxLength: 2048, maxVocabulary: 1_000_000 },
  training: { batchSize: 4096, epochs: 200 },
};

function refusal(run: () => void) {
  try {
    run();
  } catch (error) {
    if (isNewscellError(error)) return error;
    throw error;
  }
  throw new Error('expected LIMIT_EXCEEDED, nothing was thrown');
}

describe('estimateTrainingCost', () => {
  it('counts the default GRU: 30,000 × 64 embedding, one bidirectional 64-unit layer', () => {
    const e = estimate({ model: { cell: 'gru' } });
    expect(e.parameters).toBe(30_000 * 64 + 2 * 3 * 64 * (64 + 64 + 1) + (128 + 1) * 4);
    // weights, gradients and Adam's two moments, float32
    expect(e.breakdown.weightStateBytes).toBe(16 * e.parameters);
    // All 120,000 training rows and 7,600 test rows, 48 int32 ids each.
    expect(e.breakdown.dataBytes).toBe(4 * 48 * (120_000 + 7_600));
  });

  it('grows with what costs: batch and length for memory, epochs and rows for compute', () => {
    const base = estimate({ model: { cell: 'lstm' } });
    const batch = estimate({ model: { cell: 'lstm' }, training: { batchSize: 128 } });
    expect(batch.breakdown.activationBytes).toBe(2 * base.breakdown.activationBytes);
    const epochs = estimate({ model: { cell: 'lstm' }, training: { epochs: 20 } });
    // Ten more epochs cost ten more epochs' compute, nothing else.
    expect(epochs.flops - base.flops).toBeCloseTo(10 * base.breakdown.flopsPerEpoch, -3);
    const subset = estimate({ model: { cell: 'lstm' }, data: { trainPerClass: 2_576 } });
    expect(subset.breakdown.flopsPerEpoch).toBeLessThan(base.breakdown.flopsPerEpoch / 10);
    // A larger maxVocabulary than AG News has tokens does not make the matrix larger.
    const huge = estimate({ model: { cell: 'lstm' }, tokenizer: { maxVocabulary: 1_000_000 } });
    expect(huge.parameters - base.parameters).toBe((AG_NEWS_BOUNDS.vocabularySize - 30_000) * 64);
  });

  it('uses the real data size when given one', () => {
    const spec = resolveTrainingSpec({ model: { cell: 'gru' } });
    const small = estimateTrainingCost(spec, {
      trainRows: 100,
      testRows: 40,
      vocabularySize: 500,
      meanTokensPerText: 10,
    });
    expect(small.parameters).toBe(500 * 64 + 2 * 3 * 64 * 129 + 129 * 4);
    expect(small.breakdown.dataBytes).toBe(4 * 48 * 140);
  });
});

describe('the default budget', () => {
  it.each(CELL_TYPES)(
    'lets %s through with its defaults and at the dashboard’s 200 epochs',
    (cell) => {
      expect(() => checkTrainingBudget(estimate({ model: { cell } }))).not.toThrow();
      expect(() =>
        checkTrainingBudget(estimate({ model: { cell }, training: { epochs: 200 } })),
      ).not.toThrow();
    },
  );

  it.each([
    [
      'a 2-layer 256-unit bi-LSTM over 128 tokens, 20 epochs',
      {
        model: { cell: 'lstm', layers: 2, hiddenUnits: 256 },
        tokenizer: { maxLength: 128 },
        training: { epochs: 20 },
      },
    ],
    [
      '300-dimensional vectors over every token',
      { model: { cell: 'gru', embeddingDim: 300 }, tokenizer: { maxVocabulary: 1_000_000 } },
    ],
    ['batches of 4,096 texts', { model: { cell: 'lstm' }, training: { batchSize: 4096 } }],
    ['256 tokens per text', { model: { cell: 'gru' }, tokenizer: { maxLength: 256 } }],
    [
      'the largest skip-gram settings',
      {
        model: { cell: 'gru' },
        embeddings: { source: 'skipgram', window: 20, negatives: 50, epochs: 50 },
      },
    ],
  ])('lets %s through', (_name, spec) => {
    expect(() => checkTrainingBudget(estimate(spec))).not.toThrow();
  });

  it('lets the dashboard’s largest comparison through: 4 cells × 10 seeds × 200 epochs', () => {
    const children = CELL_TYPES.flatMap((cell) =>
      Array.from({ length: 10 }, (_, seed) => ({
        label: `${cell} seed ${seed}`,
        estimate: estimate({ model: { cell }, training: { epochs: 200, seed } }),
      })),
    );
    expect(() => checkComparisonBudget(children)).not.toThrow();
  });

  it('refuses the hostile job of issue 13 on memory, naming estimate, limit and variable', () => {
    const error = refusal(() => checkTrainingBudget(estimate(HOSTILE)));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(
      /^training job: estimated 6,148 GiB of training memory exceeds the limit 4 GiB \(NEWSCELL_MAX_JOB_MEMORY_MB=4096\)/,
    );
    expect(error.details).toMatchObject({ limit: 'NEWSCELL_MAX_JOB_MEMORY_MB', value: 4096 });
  });

  it('refuses it on compute when memory is allowed', () => {
    const budget = { ...TRAINING_BUDGET_DEFAULTS, maxJobMemoryMb: 10_000_000 };
    const error = refusal(() => checkTrainingBudget(estimate(HOSTILE), budget));
    expect(error.message).toMatch(
      /estimated 25,447,\d{3},\d{3} GFLOP of training compute exceeds the limit 10,000,000 GFLOP \(NEWSCELL_MAX_JOB_GFLOP\)/,
    );
  });

  it('refuses a comparison whose trainings pass alone but not together', () => {
    const spec = {
      model: { cell: 'lstm', layers: 2, hiddenUnits: 256 },
      tokenizer: { maxLength: 128 },
      training: { epochs: 20 },
    };
    const one = estimate(spec);
    const children = Array.from({ length: 20 }, (_, i) => ({ label: `child ${i}`, estimate: one }));
    expect(() => checkTrainingBudget(one)).not.toThrow();
    const error = refusal(() => checkComparisonBudget(children));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(
      /over its 20 trainings exceeds the limit 50,000,000 GFLOP \(NEWSCELL_MAX_COMPARISON_GFLOP\)/,
    );
  });

  it('names the child of a comparison that is too large alone', () => {
    const error = refusal(() =>
      checkComparisonBudget([
        { label: 'gru seed 1', estimate: estimate({ model: { cell: 'gru' } }) },
        { label: 'lstm seed 1', estimate: estimate(HOSTILE) },
      ]),
    );
    expect(error.message).toMatch(/^lstm seed 1: estimated/);
  });
});
