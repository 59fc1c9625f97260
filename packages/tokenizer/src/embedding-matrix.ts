import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { decodeEmbeddingFile, encodeEmbeddingFile } from './embedding-file.js';
import { EmbeddingsError } from './errors.js';
import type { Vocabulary } from './vocabulary.js';
import { PAD_ID, UNK_ID } from './vocabulary-json.js';

export interface Neighbour {
  token: string;
  id: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/**
 * A `[vocabSize × dim]` row-major Float32 matrix: row i is the vector of token id i of
 * `vocabulary`, the `<pad>` row is all zeros. `data` is what an embedding layer's initial weights
 * take.
 */
export class EmbeddingMatrix {
  readonly vocabulary: Vocabulary;
  readonly dim: number;
  readonly data: Float32Array;

  constructor(vocabulary: Vocabulary, dim: number, data?: Float32Array) {
    if (!Number.isInteger(dim) || dim < 1) {
      throw new EmbeddingsError(`dim is ${dim}; expected an integer >= 1`, {
        code: 'INVALID_CONFIG',
        details: { field: 'dim', value: dim },
      });
    }
    const length = vocabulary.size * dim;
    if (data !== undefined && data.length !== length) {
      throw new EmbeddingsError(
        `matrix data has ${data.length} values; ${vocabulary.size} rows × ${dim} dims need ${length}`,
        { code: 'INVALID_ARGUMENT', details: { expected: length, actual: data.length } },
      );
    }
    this.vocabulary = vocabulary;
    this.dim = dim;
    this.data = data ?? new Float32Array(length);
  }

  get vocabSize(): number {
    return this.vocabulary.size;
  }

  /** Row of token id `id` (a view, not a copy). */
  row(id: number): Float32Array {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new EmbeddingsError(`row ${id} is outside 0..${this.vocabSize - 1}`, {
        code: 'INVALID_ARGUMENT',
        details: { id },
      });
    }
    return this.data.subarray(id * this.dim, (id + 1) * this.dim);
  }

  /** Vector of `word` (a view), or an error naming the word when it is not in the vocabulary. */
  vectorOf(word: string): Float32Array {
    return this.row(this.#idOf(word));
  }

  /** Cosine similarity of two words' vectors (0 when either vector is all zeros). */
  similarity(a: string, b: string): number {
    return cosine(this.data, this.#idOf(a) * this.dim, this.#idOf(b) * this.dim, this.dim);
  }

  /**
   * The `k` tokens whose vectors are most cosine-similar to `word`'s, best first; the word itself,
   * `<pad>` and `<unk>` are never returned.
   */
  nearest(word: string, k = 10): Neighbour[] {
    if (!Number.isInteger(k) || k < 1) {
      throw new EmbeddingsError(`k is ${k}; expected an integer >= 1`, {
        code: 'INVALID_ARGUMENT',
        details: { field: 'k', value: k },
      });
    }
    const id = this.#idOf(word);
    const { data, dim } = this;
    const base = id * dim;
    // Sorted best-first, at most k long; insertion beats a heap for the small k used here.
    const best: Neighbour[] = [];
    for (let other = 0; other < this.vocabSize; other++) {
      if (other === id || other === PAD_ID || other === UNK_ID) continue;
      const similarity = cosine(data, base, other * dim, dim);
      if (best.length === k && similarity <= (best[k - 1] as Neighbour).similarity) continue;
      let at = best.length < k ? best.length : k - 1;
      while (at > 0 && (best[at - 1] as Neighbour).similarity < similarity) {
        best[at] = best[at - 1] as Neighbour;
        at--;
      }
      best[at] = { token: this.vocabulary.tokenOf(other) as string, id: other, similarity };
    }
    return best;
  }

  /** Writes the matrix in the compact binary format (see `embedding-file.ts`), atomically. */
  async save(path: string): Promise<void> {
    const bytes = encodeEmbeddingFile(this.vocabulary.hash, this.vocabSize, this.dim, this.data);
    await writeFileAtomic(path, bytes);
  }

  /**
   * Reads a matrix written by `save` for `vocabulary`; a truncated, foreign or corrupt file, or
   * one saved for another vocabulary, fails with an `EmbeddingsError` naming the file.
   */
  static async load(path: string, vocabulary: Vocabulary): Promise<EmbeddingMatrix> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      throw new EmbeddingsError(
        `cannot read embeddings file ${path}: ${(cause as Error).message}`,
        {
          details: { file: path },
          cause,
        },
      );
    }
    const file = decodeEmbeddingFile(bytes, path);
    if (file.rows !== vocabulary.size || file.vocabularyHash !== vocabulary.hash) {
      throw new EmbeddingsError(
        `${path} was saved for another vocabulary (${file.rows} rows, vocabulary hash ${file.vocabularyHash}); ` +
          `this vocabulary has ${vocabulary.size} tokens and hash ${vocabulary.hash}`,
        {
          code: 'MODEL_MISMATCH',
          details: { file: path, rows: file.rows, expectedRows: vocabulary.size },
        },
      );
    }
    return new EmbeddingMatrix(vocabulary, file.dim, file.data);
  }

  #idOf(word: string): number {
    const id = this.vocabulary.idOf(word);
    if (id === undefined) {
      throw new EmbeddingsError(`'${word}' is not in the vocabulary`, {
        code: 'INVALID_ARGUMENT',
        details: { word },
      });
    }
    return id;
  }
}

function cosine(data: Float32Array, a: number, b: number, dim: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < dim; i++) {
    const x = data[a + i] as number;
    const y = data[b + i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
