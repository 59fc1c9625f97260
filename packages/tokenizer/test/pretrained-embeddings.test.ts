import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPretrainedEmbeddings } from '../src/pretrained-embeddings.js';
import { randomEmbeddings } from '../src/random-embeddings.js';
import { Vocabulary } from '../src/vocabulary.js';

let dir: string;
let vocabulary: Vocabulary;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'newscell-pre-'));
  // ids: 2 stocks (3×), 3 oil (2×), 4 game (1×), 5 zzyzx (1×)
  vocabulary = await Vocabulary.build(['stocks stocks stocks oil oil game zzyzx']);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('loadPretrainedEmbeddings', () => {
  it('reads GloVe text, reports coverage, and gives missing words their seeded random rows', async () => {
    const path = await file('glove.txt', 'the 9 9 9\nstocks 1 2 3\noil -1 0.5 2e-1\nfoo 0 0 0\n');
    const { matrix, coverage } = await loadPretrainedEmbeddings(path, vocabulary, { seed: 11 });
    expect([...matrix.vectorOf('stocks')]).toEqual([1, 2, 3]);
    expect([...matrix.vectorOf('oil')].map((v) => Number(v.toFixed(5)))).toEqual([-1, 0.5, 0.2]);
    const random = randomEmbeddings(vocabulary, { dim: 3, seed: 11 });
    expect(matrix.vectorOf('game')).toEqual(random.vectorOf('game'));
    expect([...matrix.row(0)]).toEqual([0, 0, 0]);
    expect(coverage).toEqual({
      found: 2,
      total: 4,
      share: 0.5,
      missing: 2,
      missingSample: ['game', 'zzyzx'],
      tokenShare: 5 / 7,
      fileVectors: 4,
      dim: 3,
      format: 'glove',
    });
  });

  it('reads word2vec text / fastText .vec with a count-dim header, trailing spaces and CRLF', async () => {
    const path = await file('wiki.vec', '3 2\r\nStocks 1 1 \r\nstocks 2 2 \r\nGAME 3 3 \r\n');
    const { matrix, coverage } = await loadPretrainedEmbeddings(path, vocabulary);
    // The exact lower-case form wins over a case-folded match, whatever the order in the file.
    expect([...matrix.vectorOf('stocks')]).toEqual([2, 2]);
    expect([...matrix.vectorOf('game')]).toEqual([3, 3]);
    expect(coverage.format).toBe('word2vec');
    expect(coverage.found).toBe(2);
    const exactOnly = await loadPretrainedEmbeddings(path, vocabulary, { lowercase: false });
    expect(exactOnly.coverage.found).toBe(1);
  });

  it('names the file and line of a vector with the wrong dimension or a bad number', async () => {
    const short = await file('short.txt', 'stocks 1 2 3\noil 1 2\n');
    await expect(loadPretrainedEmbeddings(short, vocabulary)).rejects.toThrow(
      new RegExp(`${short} line 2: 2 values, expected 3`),
    );
    const wrongDim = await file('dim.txt', 'stocks 1 2 3\n');
    await expect(loadPretrainedEmbeddings(wrongDim, vocabulary, { dim: 50 })).rejects.toThrow(
      /dim.txt line 1: vectors have 3 dimensions, expected 50/,
    );
    const headerDim = await file('h.vec', '2 4\nstocks 1 2 3\n');
    await expect(loadPretrainedEmbeddings(headerDim, vocabulary)).rejects.toThrow(
      /h.vec line 2: 3 values, expected 4/,
    );
    const nan = await file('nan.txt', 'stocks 1 2 3\noil 1 x 3\n');
    await expect(loadPretrainedEmbeddings(nan, vocabulary)).rejects.toThrow(
      /nan.txt line 2: value 2 "x" is not a finite number/,
    );
  });

  it('rejects truncated, empty and missing files', async () => {
    const truncated = await file('t.vec', '3 2\nstocks 1 1\noil 2 2\n');
    await expect(loadPretrainedEmbeddings(truncated, vocabulary)).rejects.toThrow(
      /header declares 3 vectors but the file has 2/,
    );
    const empty = await file('empty.txt', '\n\n');
    await expect(loadPretrainedEmbeddings(empty, vocabulary)).rejects.toThrow(/holds no vectors/);
    await expect(loadPretrainedEmbeddings(join(dir, 'nope.txt'), vocabulary)).rejects.toThrow(
      /cannot read pretrained vectors .*nope.txt/,
    );
  });
});
