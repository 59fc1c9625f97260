import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.js';
import { TokenizerError, VocabularyError } from './errors.js';
import { createTokenizer, type Tokenizer, type TokenizerOptions } from './tokenizer.js';
import {
  PAD_ID,
  PAD_TOKEN,
  parseVocabularyJson,
  UNK_ID,
  UNK_TOKEN,
  VOCABULARY_FORMAT,
  VOCABULARY_FORMAT_VERSION,
  type VocabularyContent,
  type VocabularyJson,
  vocabularyHash,
} from './vocabulary-json.js';

/** Texts to read once, in order: an array, a generator, a readline interface, a stream… */
export type TextSource = Iterable<string> | AsyncIterable<string>;

export interface VocabularyBuildOptions {
  /** The tokenizer, or options to create one. @defaultValue `createTokenizer()` */
  tokenizer?: Tokenizer | TokenizerOptions;
  /** Tokens seen fewer times are left out (they encode as `<unk>`). @defaultValue `1` */
  minFrequency?: number;
  /**
   * Largest vocabulary size, counting `<pad>` and `<unk>`; the most frequent tokens are kept.
   * @defaultValue `undefined` (no limit)
   */
  maxSize?: number;
}

export interface EncodeBatchOptions {
  /** Row length; longer sequences are truncated, shorter ones padded. @defaultValue the longest sequence in the batch */
  maxLength?: number;
  /** Where `<pad>` ids go in a short row. @defaultValue `'post'` */
  padding?: 'pre' | 'post';
  /** Which end of a long sequence is cut: `'post'` keeps the beginning (AG News titles come first). @defaultValue `'post'` */
  truncation?: 'pre' | 'post';
}

/** A padded batch: row `b` is `ids.subarray(b * maxLength, (b + 1) * maxLength)`. */
export interface EncodedBatch {
  ids: Int32Array;
  /** Real (non-pad) tokens in each row, after truncation. */
  lengths: Int32Array;
  batchSize: number;
  maxLength: number;
}

export interface OovReport {
  texts: number;
  tokens: number;
  /** Tokens that encode as `<unk>`. */
  unknown: number;
  /** `unknown / tokens` (0 for no tokens). */
  rate: number;
}

/**
 * Token ↔ id mapping with its tokenizer. Ids are dense: `<pad>` = 0, `<unk>` = 1, then tokens by
 * frequency (descending), ties broken by code-unit order of the token, so the same texts and
 * options always give the same ids and the same `hash`.
 */
export class Vocabulary {
  readonly tokenizer: Tokenizer;
  readonly minFrequency: number;
  readonly maxSize: number | null;
  /** sha256 of the canonical serialisation; store it with every model that uses these ids. */
  readonly hash: string;
  readonly #tokens: readonly string[];
  readonly #counts: readonly number[];
  readonly #ids: Map<string, number>;

  private constructor(json: VocabularyJson) {
    this.tokenizer = createTokenizer(json.tokenizer);
    this.minFrequency = json.minFrequency;
    this.maxSize = json.maxSize;
    this.hash = json.hash;
    this.#tokens = Object.freeze([...json.tokens]);
    this.#counts = Object.freeze([...json.counts]);
    this.#ids = new Map(json.tokens.map((token, id) => [token, id]));
  }

  /** Counts tokens over `texts` (read once, sync or async) and keeps the frequent ones. */
  static async build(texts: TextSource, options: VocabularyBuildOptions = {}): Promise<Vocabulary> {
    const minFrequency = options.minFrequency ?? 1;
    const maxSize = options.maxSize ?? null;
    if (!Number.isInteger(minFrequency) || minFrequency < 1) {
      throw new VocabularyError(`minFrequency is ${minFrequency}; expected an integer >= 1`, {
        code: 'INVALID_CONFIG',
        details: { field: 'minFrequency', value: minFrequency },
      });
    }
    if (maxSize !== null && (!Number.isInteger(maxSize) || maxSize < 2)) {
      throw new VocabularyError(
        `maxSize is ${maxSize}; expected an integer >= 2 (room for <pad> and <unk>)`,
        {
          code: 'INVALID_CONFIG',
          details: { field: 'maxSize', value: maxSize },
        },
      );
    }
    if (typeof texts === 'string') {
      throw new VocabularyError('texts is one string; pass an iterable of texts, e.g. [text]', {
        code: 'INVALID_ARGUMENT',
      });
    }
    // Rebuilt from options so the stored options are guaranteed to describe the tokenizer used.
    const tokenizer = createTokenizer(
      isTokenizer(options.tokenizer) ? options.tokenizer.options : options.tokenizer,
    );
    const counts = new Map<string, number>();
    let index = 0;
    const add = (text: string): void => {
      if (typeof text !== 'string') {
        throw new TokenizerError(`text #${index} is ${typeof text}; expected a string`, {
          code: 'INVALID_ARGUMENT',
          details: { index },
        });
      }
      const tokens = tokenizer.tokenize(text);
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as string;
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
      index++;
    };
    if (Symbol.iterator in texts) {
      for (const text of texts) add(text);
    } else {
      for await (const text of texts) add(text);
    }
    return Vocabulary.#fromCounts(counts, tokenizer, minFrequency, maxSize);
  }

  static #fromCounts(
    counts: Map<string, number>,
    tokenizer: Tokenizer,
    minFrequency: number,
    maxSize: number | null,
  ): Vocabulary {
    let total = 0;
    const kept: [string, number][] = [];
    for (const [token, count] of counts) {
      total += count;
      if (count >= minFrequency) kept.push([token, count]);
    }
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (maxSize !== null && kept.length > maxSize - 2) kept.length = maxSize - 2;
    let keptTotal = 0;
    for (const entry of kept) keptTotal += entry[1];
    const content: VocabularyContent = {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_FORMAT_VERSION,
      tokenizer: tokenizer.options,
      minFrequency,
      maxSize,
      tokens: [PAD_TOKEN, UNK_TOKEN, ...kept.map((entry) => entry[0])],
      counts: [0, total - keptTotal, ...kept.map((entry) => entry[1])],
    };
    return new Vocabulary({ ...content, hash: vocabularyHash(content) });
  }

  /** Rebuilds a vocabulary from `toJSON()` output, checking format and hash. */
  static fromJSON(json: unknown, source = 'vocabulary JSON'): Vocabulary {
    return new Vocabulary(parseVocabularyJson(json, source));
  }

  /**
   * Reads a vocabulary saved by `save`. Fails with a `VocabularyError` naming the file when it is
   * missing, not JSON, malformed, edited (hash mismatch) or not the expected vocabulary.
   */
  static async load(path: string, options: { expectedHash?: string } = {}): Promise<Vocabulary> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new VocabularyError(
        `cannot read vocabulary file ${path}: ${(cause as Error).message}`,
        {
          details: { file: path },
          cause,
        },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new VocabularyError(
        `${path} is not valid JSON (${(cause as Error).message}); the file is corrupt or truncated`,
        { details: { file: path }, cause },
      );
    }
    const vocabulary = Vocabulary.fromJSON(json, path);
    if (options.expectedHash !== undefined && vocabulary.hash !== options.expectedHash) {
      throw new VocabularyError(
        `${path} is not the expected vocabulary: its hash is ${vocabulary.hash}, expected ${options.expectedHash}`,
        {
          code: 'MODEL_MISMATCH',
          details: { file: path, expected: options.expectedHash, actual: vocabulary.hash },
        },
      );
    }
    return vocabulary;
  }

  /** Number of ids, including `<pad>` and `<unk>`. */
  get size(): number {
    return this.#tokens.length;
  }

  /** All tokens, indexed by id. */
  get tokens(): readonly string[] {
    return this.#tokens;
  }

  /** Id of `token`, or `undefined` if it is not in the vocabulary. */
  idOf(token: string): number | undefined {
    return this.#ids.get(token);
  }

  /** Token of `id`, or `undefined` outside `0..size-1`. */
  tokenOf(id: number): string | undefined {
    return this.#tokens[id];
  }

  /** Occurrences of token `id` in the build texts (`<unk>`: tokens left out), 0 outside the range. */
  countOf(id: number): number {
    return this.#counts[id] ?? 0;
  }

  /** Ids of a text (tokenised with this vocabulary's tokenizer) or of ready-made tokens. */
  encode(text: string | readonly string[]): Int32Array {
    const tokens = typeof text === 'string' ? this.tokenizer.tokenize(text) : text;
    const ids = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) ids[i] = this.#ids.get(tokens[i] as string) ?? UNK_ID;
    return ids;
  }

  /** Encodes, truncates and pads a batch into one `batchSize × maxLength` Int32Array. */
  encodeBatch(
    texts: readonly (string | readonly string[])[],
    options: EncodeBatchOptions = {},
  ): EncodedBatch {
    const padding = options.padding ?? 'post';
    const truncation = options.truncation ?? 'post';
    for (const [field, value] of [
      ['padding', padding],
      ['truncation', truncation],
    ] as const) {
      if (value !== 'pre' && value !== 'post') {
        throw new VocabularyError(
          `${field} is ${JSON.stringify(value)}; expected 'pre' or 'post'`,
          {
            code: 'INVALID_ARGUMENT',
            details: { field, value },
          },
        );
      }
    }
    const sequences = texts.map((text) => this.encode(text));
    const maxLength = options.maxLength ?? sequences.reduce((max, s) => Math.max(max, s.length), 0);
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw new VocabularyError(`maxLength is ${maxLength}; expected an integer >= 1`, {
        code: 'INVALID_ARGUMENT',
        details: { field: 'maxLength', value: maxLength },
      });
    }
    // A new Int32Array is zero-filled, and zero is PAD_ID: only real tokens need writing.
    const ids = new Int32Array(sequences.length * maxLength);
    const lengths = new Int32Array(sequences.length);
    sequences.forEach((sequence, row) => {
      const kept =
        sequence.length <= maxLength
          ? sequence
          : truncation === 'post'
            ? sequence.subarray(0, maxLength)
            : sequence.subarray(sequence.length - maxLength);
      const offset = row * maxLength + (padding === 'post' ? 0 : maxLength - kept.length);
      ids.set(kept, offset);
      lengths[row] = kept.length;
    });
    return { ids, lengths, batchSize: sequences.length, maxLength };
  }

  /** Tokens of `ids`; `<pad>` ids are skipped unless `keepPadding`. */
  decode(ids: ArrayLike<number>, options: { keepPadding?: boolean } = {}): string[] {
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id === PAD_ID && !options.keepPadding) continue;
      const token = this.#tokens[id];
      if (token === undefined) {
        throw new VocabularyError(`id ${id} at position ${i} is outside 0..${this.size - 1}`, {
          code: 'INVALID_ARGUMENT',
          details: { position: i, id },
        });
      }
      tokens.push(token);
    }
    return tokens;
  }

  /** Share of tokens of `texts` that are not in the vocabulary. */
  oovRate(texts: Iterable<string>): OovReport {
    let count = 0;
    let tokens = 0;
    let unknown = 0;
    for (const text of texts) {
      const ids = this.encode(text);
      tokens += ids.length;
      for (let i = 0; i < ids.length; i++) if (ids[i] === UNK_ID) unknown++;
      count++;
    }
    return { texts: count, tokens, unknown, rate: tokens === 0 ? 0 : unknown / tokens };
  }

  toJSON(): VocabularyJson {
    return {
      format: VOCABULARY_FORMAT,
      version: VOCABULARY_FORMAT_VERSION,
      hash: this.hash,
      tokenizer: this.tokenizer.options,
      minFrequency: this.minFrequency,
      maxSize: this.maxSize,
      tokens: [...this.#tokens],
      counts: [...this.#counts],
    };
  }

  /** Writes the vocabulary as JSON, atomically. */
  async save(path: string): Promise<void> {
    await writeFileAtomic(path, JSON.stringify(this.toJSON()));
  }
}

function isTokenizer(value: Tokenizer | TokenizerOptions | undefined): value is Tokenizer {
  return typeof (value as Tokenizer | undefined)?.tokenize === 'function';
}
