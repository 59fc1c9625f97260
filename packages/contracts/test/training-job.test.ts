import { describe, expect, it } from 'vitest';
import {
  parseWithSchema,
  type TrainingJobData,
  TrainingJobDataSchema,
  validationIssues,
} from '../src/index.js';

describe('TrainingJobDataSchema', () => {
  it('accepts the smallest job: only the cell', () => {
    expect(parseWithSchema(TrainingJobDataSchema, { model: { cell: 'gru' } }, 'job')).toEqual({
      model: { cell: 'gru' },
    });
  });

  it('accepts every section filled in', () => {
    const job = {
      name: 'full',
      tags: ['a'],
      model: {
        cell: 'lstm',
        embeddingDim: 64,
        layers: 2,
        hiddenUnits: 64,
        bidirectional: true,
        dropout: 0.2,
        recurrentDropout: 0,
        pooling: 'max',
        maskPadding: true,
        embeddingTrainable: true,
      },
      training: {
        epochs: 3,
        batchSize: 64,
        learningRate: 0.002,
        patience: 2,
        clipNorm: 5,
        seed: 7,
      },
      data: { trainPerClass: 500, testPerClass: 100, validationFraction: 0.1, seed: 1 },
      tokenizer: { minFrequency: 2, maxVocabulary: 20000, maxLength: 64, stem: false },
      embeddings: { source: 'skipgram', window: 4, negatives: 5, epochs: 2 },
    };
    expect(validationIssues(TrainingJobDataSchema, job)).toEqual([]);
  });

  it('rejects unknown cells, unknown fields and out-of-range settings, naming each', () => {
    const issues = validationIssues(TrainingJobDataSchema, {
      model: { cell: 'transformer', hiddenUnits: 0 },
      training: { epochs: 3, lr: 0.1 },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      '/model/cell',
      '/model/hiddenUnits',
      '/training/lr',
    ]);
  });

  it('only takes a bare file name for pretrained vectors, never a path', () => {
    const ok = {
      model: { cell: 'rnn' },
      embeddings: { source: 'pretrained', file: 'glove.6B.100d.txt' },
    };
    expect(validationIssues(TrainingJobDataSchema, ok)).toEqual([]);
    for (const file of ['../secret.txt', '/etc/passwd', 'a/b.vec', '.hidden']) {
      const bad = { model: { cell: 'rnn' }, embeddings: { source: 'pretrained', file } };
      expect(validationIssues(TrainingJobDataSchema, bad).length).toBeGreaterThan(0);
    }
  });
});

describe('static types', () => {
  it('type the cell as the union of cell names', () => {
    const cell: TrainingJobData['model']['cell'] = 'lstm';
    // @ts-expect-error 'transformer' is not a cell
    const wrong: TrainingJobData['model']['cell'] = 'transformer';
    expect([cell, wrong]).toHaveLength(2);
  });
});
