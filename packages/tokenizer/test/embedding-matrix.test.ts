import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDING_HEADER_BYTES } from '../src/embedding-file.js';
import { EmbeddingMatrix } from '../src/embedding-matrix.js';
import { EmbeddingsError } from '../src/errors.js';
import { randomEmbeddings } from '../src/random-embeddings.js';
import { Vocabulary } from '../src/vocabulary.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-emb-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Vocabulary ids: 2 east, 3 north, 4 west, 5 northeast, 6 south. */
async function compass(): Promise<EmbeddingMatrix> {
  const vocabulary = await Vocabulary.build([
    'east east east east east north north north north west west west northeast northeast south',
  ]);
  const vectors: Record<string, [number, number]> = {
    east: [1, 0],
    north: [0, 1],
    west: [-1, 0],
    northeast: [0.7, 0.7],
    south: [0, -1],
  };
  const matrix = new EmbeddingMatrix(vocabulary, 2);
  for (const [word, vector] of Object.entries(vectors)) matrix.vectorOf(word).set(vector);
  return matrix;
}

describe('EmbeddingMatrix', () => {
  it('finds nearest words by cosine similarity, best first, never itself or <pad>/<unk>', async () => {
    const matrix = await compass();
    const nearest = matrix.nearest('east', 3);
    expect(nearest.map((n) => n.token)).toEqual(['northeast', 'north', 'south']);
    expect(nearest[0]?.similarity).toBeCloseTo(Math.SQRT1_2, 5);
    expect(matrix.nearest('north', 10).map((n) => n.token)).toEqual([
      'northeast',
      'east',
      'west',
      'south',
    ]);
    expect(matrix.similarity('east', 'west')).toBeCloseTo(-1, 6);
    expect(() => matrix.nearest('up')).toThrow(/'up' is not in the vocabulary/);
    expect(() => matrix.nearest('east', 0)).toThrow(/k is 0/);
  });

  it('checks the data length against rows × dim', async () => {
    const vocabulary = await Vocabulary.build(['a b']);
    expect(() => new EmbeddingMatrix(vocabulary, 3, new Float32Array(5))).toThrow(
      /5 values; 4 rows × 3 dims need 12/,
    );
  });

  it('saves and loads the binary format exactly, atomically', async () => {
    const vocabulary = await Vocabulary.build(['alpha beta gamma delta']);
    const matrix = randomEmbeddings(vocabulary, { dim: 7, seed: 5 });
    const path = join(dir, 'emb.bin');
    await matrix.save(path);
    expect(await readdir(dir)).toEqual(['emb.bin']);
    const bytes = await readFile(path);
    expect(bytes.length).toBe(EMBEDDING_HEADER_BYTES + 6 * 7 * 4);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('NCEM');
    expect(bytes.readUInt32LE(8)).toBe(6);
    expect(bytes.readFloatLE(EMBEDDING_HEADER_BYTES + 7 * 4)).toBe(matrix.data[7]);
    const loaded = await EmbeddingMatrix.load(path, vocabulary);
    expect(loaded.dim).toBe(7);
    expect(loaded.data).toEqual(matrix.data);
  });

  it('rejects truncated, foreign, corrupt and mismatched files with the file named', async () => {
    const vocabulary = await Vocabulary.build(['alpha beta gamma']);
    const matrix = randomEmbeddings(vocabulary, { dim: 4 });
    const path = join(dir, 'emb.bin');
    await matrix.save(path);
    const bytes = await readFile(path);

    await writeFile(path, bytes.subarray(0, bytes.length - 6));
    await expect(EmbeddingMatrix.load(path, vocabulary)).rejects.toThrow(
      new RegExp(
        `${path}: header says 5 rows × 4 dims \\(128 bytes\\) but the file has 122 bytes; it is truncated`,
      ),
    );
    await writeFile(path, bytes.subarray(0, 20));
    await expect(EmbeddingMatrix.load(path, vocabulary)).rejects.toThrow(
      /shorter than the 48-byte header/,
    );

    await writeFile(path, Buffer.concat([Buffer.from('GIF8'), bytes.subarray(4)]));
    await expect(EmbeddingMatrix.load(path, vocabulary)).rejects.toThrow(
      /not a newscell embeddings file/,
    );

    const nan = Buffer.from(bytes);
    nan.writeFloatLE(Number.NaN, EMBEDDING_HEADER_BYTES + (2 * 4 + 1) * 4);
    await writeFile(path, nan);
    await expect(EmbeddingMatrix.load(path, vocabulary)).rejects.toThrow(/row 2, column 1 is NaN/);

    await writeFile(path, bytes);
    const other = await Vocabulary.build(['one two three']);
    const mismatch = EmbeddingMatrix.load(path, other);
    await expect(mismatch).rejects.toThrow(/saved for another vocabulary/);
    await expect(mismatch).rejects.toMatchObject({ code: 'MODEL_MISMATCH' });

    await expect(EmbeddingMatrix.load(join(dir, 'none.bin'), vocabulary)).rejects.toBeInstanceOf(
      EmbeddingsError,
    );
  });
});
