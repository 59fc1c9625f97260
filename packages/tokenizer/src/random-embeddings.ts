import { SeededRandom } from '@newscell/random';
import { EmbeddingMatrix } from './embedding-matrix.js';
import { EmbeddingsError } from './errors.js';
import type { Vocabulary } from './vocabulary.js';
import { PAD_ID } from './vocabulary-json.js';

export interface RandomEmbeddingOptions {
  /** Vector length. @defaultValue `100` */
  dim?: number;
  /** PRNG seed; the same seed, vocabulary size and options give the same matrix. @defaultValue `42` */
  seed?: number;
  /**
   * `'uniform'`: each value from U(−scale, +scale) (Keras' classic embedding initialiser with
   * scale 0.05); `'normal'`: each value from N(0, scale²).
   * @defaultValue `'uniform'`
   */
  distribution?: 'uniform' | 'normal';
  /** Half-width (uniform) or standard deviation (normal). @defaultValue `0.05` */
  scale?: number;
}

export type ResolvedRandomEmbeddingOptions = Required<RandomEmbeddingOptions>;

export function resolveRandomEmbeddingOptions(
  options: RandomEmbeddingOptions,
): ResolvedRandomEmbeddingOptions {
  const resolved = {
    dim: options.dim ?? 100,
    seed: options.seed ?? 42,
    distribution: options.distribution ?? 'uniform',
    scale: options.scale ?? 0.05,
  };
  if (!Number.isInteger(resolved.dim) || resolved.dim < 1) {
    throw new EmbeddingsError(`dim is ${resolved.dim}; expected an integer >= 1`, {
      code: 'INVALID_CONFIG',
      details: { field: 'dim', value: resolved.dim },
    });
  }
  if (!Number.isInteger(resolved.seed)) {
    throw new EmbeddingsError(`seed is ${resolved.seed}; expected an integer`, {
      code: 'INVALID_CONFIG',
      details: { field: 'seed', value: resolved.seed },
    });
  }
  if (resolved.distribution !== 'uniform' && resolved.distribution !== 'normal') {
    throw new EmbeddingsError(
      `distribution is ${JSON.stringify(resolved.distribution)}; expected 'uniform' or 'normal'`,
      { code: 'INVALID_CONFIG', details: { field: 'distribution', value: resolved.distribution } },
    );
  }
  if (!(resolved.scale > 0) || !Number.isFinite(resolved.scale)) {
    throw new EmbeddingsError(`scale is ${resolved.scale}; expected a finite number > 0`, {
      code: 'INVALID_CONFIG',
      details: { field: 'scale', value: resolved.scale },
    });
  }
  return resolved;
}

/**
 * A seeded random matrix for `vocabulary`: every row random except `<pad>` (zeros). Rows are drawn
 * in id order, so row i depends only on the seed, the options and i.
 */
export function randomEmbeddings(
  vocabulary: Vocabulary,
  options: RandomEmbeddingOptions = {},
): EmbeddingMatrix {
  const resolved = resolveRandomEmbeddingOptions(options);
  const matrix = new EmbeddingMatrix(vocabulary, resolved.dim);
  const prng = new SeededRandom(resolved.seed);
  const { data } = matrix;
  const { scale } = resolved;
  if (resolved.distribution === 'uniform') {
    for (let i = 0; i < data.length; i++) data[i] = (prng.next() * 2 - 1) * scale;
  } else {
    for (let i = 0; i < data.length; i++) data[i] = prng.nextNormal() * scale;
  }
  data.fill(0, PAD_ID * resolved.dim, (PAD_ID + 1) * resolved.dim);
  return matrix;
}
