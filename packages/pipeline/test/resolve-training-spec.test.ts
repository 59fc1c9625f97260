import { describe, expect, it } from 'vitest';
import { TRAINING_DEFAULTS } from '../src/defaults.js';
import { resolveTrainingSpec } from '../src/resolve-training-spec.js';

describe('resolveTrainingSpec', () => {
  it('fills every section from TRAINING_DEFAULTS', () => {
    const spec = resolveTrainingSpec({ model: { cell: 'gru' } });
    expect(spec.model).toEqual({ ...TRAINING_DEFAULTS.model, cell: 'gru' });
    expect(spec.training).toEqual(TRAINING_DEFAULTS.training);
    expect(spec.data).toEqual(TRAINING_DEFAULTS.data);
    expect(spec.tokenizer).toEqual(TRAINING_DEFAULTS.tokenizer);
    expect(spec.embeddings).toEqual({ source: 'skipgram', ...TRAINING_DEFAULTS.skipGram });
  });

  it('keeps what the spec sets and applies per-cell defaults under it', () => {
    const bow = resolveTrainingSpec({ model: { cell: 'bow' } });
    expect(bow.model.pooling).toBe(TRAINING_DEFAULTS.modelByCell.bow.pooling);
    const set = resolveTrainingSpec({
      name: 'x',
      model: { cell: 'bow', pooling: 'max', hiddenUnits: 7 },
      training: { epochs: 3 },
      data: { trainPerClass: 5 },
    });
    expect(set.model).toMatchObject({ pooling: 'max', hiddenUnits: 7 });
    expect(set.training.epochs).toBe(3);
    expect(set.training.batchSize).toBe(TRAINING_DEFAULTS.training.batchSize);
    expect(set.data).toMatchObject({ trainPerClass: 5, seed: TRAINING_DEFAULTS.data.seed });
    expect(set.name).toBe('x');
  });

  it('fills skip-gram settings the spec leaves out', () => {
    const spec = resolveTrainingSpec({
      model: { cell: 'lstm' },
      embeddings: { source: 'skipgram', window: 3 },
    });
    expect(spec.embeddings).toEqual({
      ...TRAINING_DEFAULTS.skipGram,
      source: 'skipgram',
      window: 3,
    });
  });

  it('gives a spec that resolves to itself (a stored spec repeats the run)', () => {
    const spec = resolveTrainingSpec({
      model: { cell: 'rnn' },
      embeddings: { source: 'skipgram' },
    });
    expect(resolveTrainingSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it('rejects a bad spec naming the field and the value', () => {
    expect(() => resolveTrainingSpec({ model: { cell: 'gru', hiddenUnits: 0 } })).toThrow(
      /training spec \/model\/hiddenUnits.*\(got 0\)/,
    );
    expect(() => resolveTrainingSpec({ model: { cell: 'transformer' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});
