import { createHash } from 'node:crypto';
import { VocabularyError } from './errors.js';
import { type ResolvedTokenizerOptions, resolveTokenizerOptions } from './tokenizer.js';

export const VOCABULARY_FORMAT = 'newscell.vocabulary';
export const VOCABULARY_FORMAT_VERSION = 1;
export const PAD_TOKEN = '<pad>';
export const UNK_TOKEN = '<unk>';
export const PAD_ID = 0;
export const UNK_ID = 1;

/** A vocabulary as saved to disk and embedded in model manifests. */
export interface VocabularyJson {
  format: typeof VOCABULARY_FORMAT;
  version: typeof VOCABULARY_FORMAT_VERSION;
  /** sha256 (hex) of the canonical serialisation of every other field; see `vocabularyHash`. */
  hash: string;
  tokenizer: ResolvedTokenizerOptions;
  minFrequency: number;
  /** `null` when the size was not limited. */
  maxSize: number | null;
  /** Token of each id; `tokens[0]` is `<pad>`, `tokens[1]` is `<unk>`. */
  tokens: string[];
  /** Occurrences of each token in the texts the vocabulary was built from; `<unk>` counts dropped tokens. */
  counts: number[];
}

export type VocabularyContent = Omit<VocabularyJson, 'hash'>;

/**
 * sha256 over a canonical serialisation: a JSON array in a fixed field order with the tokenizer
 * options in sorted-key order, so the hash depends on the content only, never on key order or
 * whitespace in a file.
 */
export function vocabularyHash(content: VocabularyContent): string {
  const tokenizer = Object.keys(content.tokenizer)
    .sort()
    .map((key) => [key, content.tokenizer[key as keyof ResolvedTokenizerOptions]]);
  const canonical = JSON.stringify([
    content.format,
    content.version,
    tokenizer,
    content.minFrequency,
    content.maxSize,
    content.tokens,
    content.counts,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Checks that `value` is a well-formed, untampered vocabulary. `source` names the file (or
 * manifest) in every message.
 */
export function parseVocabularyJson(value: unknown, source: string): VocabularyJson {
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw new VocabularyError(`${source}: ${message}`, { details: { source, ...details } });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('expected a JSON object');
  }
  const json = value as Record<string, unknown>;
  if (json['format'] !== VOCABULARY_FORMAT) {
    fail(`field 'format' is ${JSON.stringify(json['format'])}; expected '${VOCABULARY_FORMAT}'`, {
      field: 'format',
    });
  }
  if (json['version'] !== VOCABULARY_FORMAT_VERSION) {
    fail(
      `field 'version' is ${JSON.stringify(json['version'])}; this version reads version ${VOCABULARY_FORMAT_VERSION}`,
      { field: 'version' },
    );
  }
  if (typeof json['hash'] !== 'string' || !/^[0-9a-f]{64}$/.test(json['hash'])) {
    fail("field 'hash' must be a 64-character lower-case hex sha256", { field: 'hash' });
  }
  let tokenizer: ResolvedTokenizerOptions;
  try {
    tokenizer = resolveTokenizerOptions(json['tokenizer']);
  } catch (error) {
    return fail(`field 'tokenizer': ${(error as Error).message}`, { field: 'tokenizer' });
  }
  const minFrequency = json['minFrequency'];
  if (!Number.isInteger(minFrequency) || (minFrequency as number) < 1) {
    fail(`field 'minFrequency' is ${JSON.stringify(minFrequency)}; expected an integer >= 1`, {
      field: 'minFrequency',
    });
  }
  const maxSize = json['maxSize'];
  if (maxSize !== null && (!Number.isInteger(maxSize) || (maxSize as number) < 2)) {
    fail(`field 'maxSize' is ${JSON.stringify(maxSize)}; expected null or an integer >= 2`, {
      field: 'maxSize',
    });
  }
  const tokens = json['tokens'];
  if (!Array.isArray(tokens) || tokens.length < 2) {
    return fail("field 'tokens' must be an array holding at least '<pad>' and '<unk>'", {
      field: 'tokens',
    });
  }
  if (tokens[PAD_ID] !== PAD_TOKEN || tokens[UNK_ID] !== UNK_TOKEN) {
    fail(`tokens[0] and tokens[1] must be '${PAD_TOKEN}' and '${UNK_TOKEN}'`, { field: 'tokens' });
  }
  const seen = new Set<string>();
  for (let id = 0; id < tokens.length; id++) {
    const token: unknown = tokens[id];
    if (typeof token !== 'string' || token.length === 0) {
      fail(`tokens[${id}] is ${JSON.stringify(token)}; expected a non-empty string`, {
        field: `tokens[${id}]`,
      });
    }
    if (seen.has(token as string)) {
      fail(`tokens[${id}] '${token}' appears twice`, { field: `tokens[${id}]` });
    }
    seen.add(token as string);
  }
  const counts = json['counts'];
  if (!Array.isArray(counts) || counts.length !== tokens.length) {
    fail(`field 'counts' must be an array of ${tokens.length} counts, one per token`, {
      field: 'counts',
    });
  }
  (counts as unknown[]).forEach((count, id) => {
    if (!Number.isSafeInteger(count) || (count as number) < 0) {
      fail(`counts[${id}] is ${JSON.stringify(count)}; expected an integer >= 0`, {
        field: `counts[${id}]`,
      });
    }
  });
  const content: VocabularyContent = {
    format: VOCABULARY_FORMAT,
    version: VOCABULARY_FORMAT_VERSION,
    tokenizer,
    minFrequency: minFrequency as number,
    maxSize: maxSize as number | null,
    tokens: tokens as string[],
    counts: counts as number[],
  };
  const actual = vocabularyHash(content);
  if (actual !== json['hash']) {
    fail(
      `content hash mismatch: the file says ${json['hash']} but its content hashes to ${actual}; the file was edited or corrupted`,
      { field: 'hash', expected: json['hash'], actual },
    );
  }
  return { ...content, hash: actual };
}
