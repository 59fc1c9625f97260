import { buildClassifier, LAYER_NAMES } from '@newscell/models';
import { describe, expect, it } from 'vitest';

// Matched comparisons (issue 6) rely on this: with the same seed and vocabulary, every cell starts
// from the same random embedding matrix, because the embedding layer is the first weight the
// seeded model build draws. If a change reorders the build, this fails and the pipeline must
// make the matrix itself (randomEmbeddings of @newscell/tokenizer) for every cell.
function initialEmbedding(cell: 'rnn' | 'lstm' | 'gru' | 'bow', seed: number): Float32Array {
  const { model } = buildClassifier({
    cell,
    vocabSize: 50,
    maxLength: 8,
    embeddingDim: 6,
    hiddenUnits: 4,
    seed,
  });
  const [weights] = model.getLayer(LAYER_NAMES.embedding).getWeights();
  const values = weights?.dataSync() as Float32Array;
  model.dispose();
  return values;
}

describe('random embedding initialisation', () => {
  it('is the same for every cell given the same seed', () => {
    const bow = initialEmbedding('bow', 7);
    for (const cell of ['rnn', 'lstm', 'gru'] as const) {
      expect(initialEmbedding(cell, 7)).toEqual(bow);
    }
  });

  it('differs between seeds', () => {
    expect(initialEmbedding('gru', 8)).not.toEqual(initialEmbedding('gru', 7));
  });
});
