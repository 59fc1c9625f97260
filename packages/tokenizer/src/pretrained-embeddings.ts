import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EmbeddingMatrix } from './embedding-matrix.js';
import { EmbeddingsError } from './errors.js';
import { type RandomEmbeddingOptions, randomEmbeddings } from './random-embeddings.js';
import type { Vocabulary } from './vocabulary.js';
import { PAD_ID, UNK_ID } from './vocabulary-json.js';

export interface PretrainedEmbeddingOptions extends Omit<RandomEmbeddingOptions, 'dim'> {
  /** Required vector length; a file with another one is rejected. @defaultValue the file's */
  dim?: number;
  /**
   * Also match a file word by its lower-cased form when the exact form is not in the vocabulary
   * (word2vec/fastText files are cased, a default vocabulary is lower-case). An exact match always
   * wins over a lower-cased one.
   * @defaultValue `true`
   */
  lowercase?: boolean;
  /** How many of the most frequent missing tokens `coverage.missingSample` lists. @defaultValue `20` */
  missingSampleSize?: number;
}

export interface EmbeddingCoverage {
  /** Vocabulary tokens that got a pretrained vector (`<pad>` and `<unk>` excluded throughout). */
  found: number;
  /** Vocabulary tokens that could have one: `vocabulary.size - 2`. */
  total: number;
  /** `found / total`. */
  share: number;
  missing: number;
  /** The most frequent tokens left with random vectors, most frequent first. */
  missingSample: string[];
  /** Build-text occurrences covered: tokens weighted by their counts in the vocabulary. */
  tokenShare: number;
  /** Vectors in the file. */
  fileVectors: number;
  dim: number;
  /** `'word2vec'` when the file starts with a `count dim` header (word2vec text, fastText .vec). */
  format: 'glove' | 'word2vec';
}

const HEADER = /^(\d+)[ \t]+(\d+)$/;

/**
 * Reads a pretrained vectors text file (GloVe `word v1 … vd` lines; word2vec text or fastText
 * `.vec` with a `count dim` first line) line by line and builds a matrix for `vocabulary`.
 * Tokens the file lacks keep the seeded random row `randomEmbeddings` would give them; `<pad>`
 * stays zero. A line with the wrong number of values or a non-number fails with the file and
 * line.
 */
export async function loadPretrainedEmbeddings(
  path: string,
  vocabulary: Vocabulary,
  options: PretrainedEmbeddingOptions = {},
): Promise<{ matrix: EmbeddingMatrix; coverage: EmbeddingCoverage }> {
  const lowercase = options.lowercase ?? true;
  const fail = (line: number, message: string, details: Record<string, unknown> = {}): never => {
    throw new EmbeddingsError(`${path} line ${line}: ${message}`, {
      details: { file: path, line, ...details },
    });
  };
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let matrix: EmbeddingMatrix | undefined;
  let dim = options.dim;
  let format: EmbeddingCoverage['format'] = 'glove';
  let declaredVectors: number | undefined;
  let fileVectors = 0;
  let lineNumber = 0;
  // 0 = not found, 1 = found via lower-cased form, 2 = found exactly.
  let matched = new Uint8Array(0);
  try {
    for await (const raw of lines) {
      lineNumber++;
      const line = raw.trim();
      if (line.length === 0) continue;
      if (matrix === undefined) {
        const header = lineNumber === 1 ? HEADER.exec(line) : null;
        const fileDim = header ? Number(header[2]) : countSpaces(line);
        if (fileDim < 1) fail(lineNumber, 'no vector values on the first line');
        if (dim !== undefined && fileDim !== dim) {
          fail(lineNumber, `vectors have ${fileDim} dimensions, expected ${dim}`, {
            expected: dim,
            actual: fileDim,
          });
        }
        dim = fileDim;
        matrix = randomEmbeddings(vocabulary, { ...options, dim });
        matched = new Uint8Array(vocabulary.size);
        if (header) {
          format = 'word2vec';
          declaredVectors = Number(header[1]);
          continue;
        }
      }
      const values = countSpaces(line);
      if (values !== dim) {
        fail(lineNumber, `${values} values, expected ${dim}`, { expected: dim, actual: values });
      }
      fileVectors++;
      const space = line.indexOf(' ');
      const word = line.slice(0, space);
      let id = vocabulary.idOf(word);
      let quality = 2;
      if (id === undefined && lowercase) {
        id = vocabulary.idOf(word.toLowerCase());
        quality = 1;
      }
      if (
        id === undefined ||
        id === PAD_ID ||
        id === UNK_ID ||
        (matched[id] as number) >= quality
      ) {
        continue;
      }
      const fields = line.slice(space + 1).split(' ');
      const base = id * (dim as number);
      for (let j = 0; j < fields.length; j++) {
        const value = Number(fields[j]);
        if (!Number.isFinite(value)) {
          fail(lineNumber, `value ${j + 1} ${JSON.stringify(fields[j])} is not a finite number`, {
            column: j + 1,
          });
        }
        matrix.data[base + j] = value;
      }
      matched[id] = quality;
    }
  } catch (error) {
    if (error instanceof EmbeddingsError) throw error;
    throw new EmbeddingsError(
      `cannot read pretrained vectors ${path}: ${(error as Error).message}`,
      {
        details: { file: path },
        cause: error,
      },
    );
  } finally {
    lines.close();
    stream.destroy();
  }
  if (matrix === undefined || dim === undefined) {
    throw new EmbeddingsError(`${path} holds no vectors`, { details: { file: path } });
  }
  if (declaredVectors !== undefined && declaredVectors !== fileVectors) {
    throw new EmbeddingsError(
      `${path}: header declares ${declaredVectors} vectors but the file has ${fileVectors}; it is truncated or corrupt`,
      { details: { file: path, declared: declaredVectors, actual: fileVectors } },
    );
  }
  return { matrix, coverage: coverageOf(vocabulary, matched, fileVectors, dim, format, options) };
}

function coverageOf(
  vocabulary: Vocabulary,
  matched: Uint8Array,
  fileVectors: number,
  dim: number,
  format: EmbeddingCoverage['format'],
  options: PretrainedEmbeddingOptions,
): EmbeddingCoverage {
  const sampleSize = options.missingSampleSize ?? 20;
  let found = 0;
  let coveredCount = 0;
  let totalCount = 0;
  const missingSample: string[] = [];
  // Ids run from most to least frequent, so the first misses are the most frequent ones.
  for (let id = UNK_ID + 1; id < vocabulary.size; id++) {
    totalCount += vocabulary.countOf(id);
    if (matched[id] !== 0) {
      found++;
      coveredCount += vocabulary.countOf(id);
    } else if (missingSample.length < sampleSize) {
      missingSample.push(vocabulary.tokenOf(id) as string);
    }
  }
  const total = vocabulary.size - 2;
  return {
    found,
    total,
    share: total === 0 ? 0 : found / total,
    missing: total - found,
    missingSample,
    tokenShare: totalCount === 0 ? 0 : coveredCount / totalCount,
    fileVectors,
    dim,
    format,
  };
}

function countSpaces(line: string): number {
  let count = 0;
  for (let at = line.indexOf(' '); at !== -1; at = line.indexOf(' ', at + 1)) count++;
  return count;
}
