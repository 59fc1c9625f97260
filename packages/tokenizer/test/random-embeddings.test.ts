import { describe, expect, it } from 'vitest';
import { randomEmbeddings } from '../src/random-embeddings.js';
import { Vocabulary } from '../src/vocabulary.js';

describe('randomEmbeddings', () => {
  it('fills a [vocabSize × dim] matrix, <pad> row zero, others within ±scale', async () => {
    const vocabulary = await Vocabulary.build(['a b c d e f']);
    const matrix = randomEmbeddings(vocabulary, { dim: 8, scale: 0.1 });
    expect(matrix.vocabSize).toBe(8);
    expect(matrix.dim).toBe(8);
    expect(matrix.data).toHaveLength(64);
    expect([...matrix.row(0)].every((v) => v === 0)).toBe(true);
    const rest = [...matrix.data.subarray(8)];
    expect(rest.every((v) => v !== 0 && Math.abs(v) <= 0.1)).toBe(true);
  });

  it('is reproducible from its seed', async () => {
    const vocabulary = await Vocabulary.build(['a b c']);
    const a = randomEmbeddings(vocabulary, { seed: 3 });
    expect(randomEmbeddings(vocabulary, { seed: 3 }).data).toEqual(a.data);
    expect(randomEmbeddings(vocabulary, { seed: 4 }).data).not.toEqual(a.data);
  });

  it('draws normal values with the requested standard deviation', async () => {
    const vocabulary = await Vocabulary.build(['a b c d']);
    const { data } = randomEmbeddings(vocabulary, {
      dim: 2000,
      distribution: 'normal',
      scale: 0.2,
    });
    const values = [...data.subarray(2000)];
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sd).toBeCloseTo(0.2, 1);
    expect(values.some((v) => Math.abs(v) > 0.2)).toBe(true);
  });

  it('rejects bad options with the field named', async () => {
    const vocabulary = await Vocabulary.build(['a']);
    expect(() => randomEmbeddings(vocabulary, { dim: 0 })).toThrow(/dim is 0/);
    expect(() => randomEmbeddings(vocabulary, { scale: -1 })).toThrow(/scale is -1/);
    expect(() => randomEmbeddings(vocabulary, { distribution: 'cauchy' as never })).toThrow(
      /distribution is "cauchy"/,
    );
  });
});
