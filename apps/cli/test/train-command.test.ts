import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { embeddingSourceOption, trainingSpecFromFlags } from '../src/train-command.js';

describe('trainingSpecFromFlags', () => {
  it('puts only the flags given into the spec, each in its section', () => {
    expect(trainingSpecFromFlags({ cell: 'gru' })).toEqual({ model: { cell: 'gru' } });
    expect(
      trainingSpecFromFlags({
        cell: 'lstm',
        epochs: 3,
        learningRate: 0.01,
        hiddenUnits: 32,
        bidirectional: false,
        pooling: 'mean',
        trainPerClass: 500,
        maxLength: 30,
        name: 'quick',
      }),
    ).toEqual({
      name: 'quick',
      model: { cell: 'lstm', hiddenUnits: 32, bidirectional: false, pooling: 'mean' },
      training: { epochs: 3, learningRate: 0.01 },
      data: { trainPerClass: 500 },
      tokenizer: { maxLength: 30 },
    });
  });

  it('reads --embeddings as random, skipgram or pretrained:<file>, and refuses anything else', () => {
    expect(embeddingSourceOption('skipgram')).toEqual({ source: 'skipgram' });
    expect(embeddingSourceOption('random')).toEqual({ source: 'random' });
    expect(embeddingSourceOption('pretrained:glove.6B.50d.txt')).toEqual({
      source: 'pretrained',
      file: 'glove.6B.50d.txt',
    });
    expect(() => embeddingSourceOption('glove')).toThrow(
      /'random', 'skipgram' or 'pretrained:<file>', got 'glove'/,
    );
    expect(() => embeddingSourceOption('pretrained:')).toThrow(InvalidArgumentError);
    expect(
      trainingSpecFromFlags({ cell: 'gru', embeddings: { source: 'skipgram' } }).embeddings,
    ).toEqual({
      source: 'skipgram',
    });
  });
});
