import { isNewscellError } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { resolveClassifierConfig } from '../src/classifier-config.js';
import { resolveTrainingOptions } from '../src/training-options.js';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(isNewscellError(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

describe('resolveClassifierConfig', () => {
  it('fills AG News defaults around the required vocabSize', () => {
    expect(resolveClassifierConfig({ vocabSize: 20_000 })).toEqual({
      cell: 'gru',
      vocabSize: 20_000,
      embeddingDim: 64,
      embeddingInit: 'random',
      embeddingTrainable: true,
      layers: 1,
      hiddenUnits: 64,
      bidirectional: true,
      dropout: 0.2,
      recurrentDropout: 0,
      maskPadding: true,
      pooling: 'max',
      maxLength: 48,
      numClasses: 4,
      seed: 42,
    });
  });

  it('gives the bag-of-words baseline mean pooling unless told otherwise', () => {
    expect(resolveClassifierConfig({ vocabSize: 10, cell: 'bow' }).pooling).toBe('mean');
    expect(resolveClassifierConfig({ vocabSize: 10, cell: 'bow', pooling: 'max' }).pooling).toBe(
      'max',
    );
    const error = errorOf(() =>
      resolveClassifierConfig({ vocabSize: 10, cell: 'bow', pooling: 'last' }),
    );
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(/pooling.*"last"/);
  });

  it.each([
    [{ vocabSize: 10, hiddenUnits: 0 }, /\/hiddenUnits: must be >= 1 \(got 0\)/],
    [
      { vocabSize: 10, cell: 'transformer' },
      /\/cell: must be one of "rnn", "lstm", "gru", "bow" \(got "transformer"\)/,
    ],
    [{ vocabSize: 10, dropout: 1 }, /\/dropout: must be < 1 \(got 1\)/],
    [{ vocabSize: 10, layers: 1.5 }, /\/layers: .*integer.*\(got 1.5\)/],
    [{}, /missing required field 'vocabSize'/],
    [{ vocabSize: 10, hidenUnits: 3 }, /unknown field 'hidenUnits'/],
  ])('names the field and value: %j', (input, pattern) => {
    const error = errorOf(() => resolveClassifierConfig(input));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toMatch(pattern);
  });
});

describe('resolveTrainingOptions', () => {
  it('fills defaults and names bad fields', () => {
    expect(resolveTrainingOptions({ epochs: 3 })).toMatchObject({
      epochs: 3,
      batchSize: 64,
      learningRate: 0.002,
      clipNorm: 5,
      patience: 2,
    });
    expect(errorOf(() => resolveTrainingOptions({ learningRate: -1 })).message).toMatch(
      /\/learningRate: must be > 0 \(got -1\)/,
    );
  });
});
