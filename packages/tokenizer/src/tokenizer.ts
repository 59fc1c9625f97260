import { TokenizerError } from './errors.js';
import {
  NATURAL_TOKENIZER_KINDS,
  type NaturalTokenizerKind,
  naturalTokenizer,
  porterStem,
} from './natural-adapter.js';
import { isNumberToken, normalizeText, splitUrls } from './text-normalization.js';

/** Token that replaces every number when `numbers` is on. */
export const NUMBER_TOKEN = '<num>';
/** Token that replaces every URL when `urls` is on. */
export const URL_TOKEN = '<url>';

/**
 * How text becomes tokens. Plain JSON on purpose: a saved model stores `tokenizer.options` and
 * `createTokenizer(savedOptions)` rebuilds exactly the same tokenizer.
 */
export interface TokenizerOptions {
  /**
   * Which natural tokenizer splits the normalised text:
   * - `word` (WordTokenizer): runs of letters/digits; drops punctuation, splits "well-timed" and
   *   "google's" into two words each. Compact vocabulary, ~300k AG News texts/s.
   * - `aggressive` (AggressiveTokenizer): like `word` but keeps `'`, `-`, `/` inside words
   *   ("google's", "well-timed" stay whole), so the vocabulary is larger. Fastest.
   * - `wordPunct` (WordPunctTokenizer): also emits each punctuation character as a token.
   * - `treebank` (TreebankWordTokenizer): Penn Treebank rules, splits contractions ("n't", "'s"),
   *   keeps punctuation tokens. Slowest (~80k texts/s).
   * @defaultValue `'word'`
   */
  kind?: NaturalTokenizerKind;
  /** Lower-case the text. @defaultValue `true` */
  lowercase?: boolean;
  /**
   * Decode HTML entities (also AG News' bare `#39;`/`quot;` forms) and drop HTML tags.
   * @defaultValue `true`
   */
  decodeHtml?: boolean;
  /** Map accented letters and curly quotes to ASCII ("café" → "cafe"). @defaultValue `true` */
  asciiFold?: boolean;
  /** Replace every URL (http://…, https://…, www.…) by `<url>`. @defaultValue `true` */
  urls?: boolean;
  /** Replace every number ("42", "1,000", "3.5") by `<num>`. @defaultValue `true` */
  numbers?: boolean;
  /** Porter-stem each word (natural's PorterStemmer; cached per tokenizer). @defaultValue `false` */
  stem?: boolean;
}

/** Options with every default filled in; what `Tokenizer.options` returns and a model stores. */
export type ResolvedTokenizerOptions = Readonly<Required<TokenizerOptions>>;

/** A configured tokenizer. */
export interface Tokenizer {
  /** Tokens of one text, in order. */
  tokenize(text: string): string[];
  /** The resolved options; JSON-serialisable, recreate the tokenizer with `createTokenizer`. */
  readonly options: ResolvedTokenizerOptions;
}

const DEFAULTS: ResolvedTokenizerOptions = {
  kind: 'word',
  lowercase: true,
  decodeHtml: true,
  asciiFold: true,
  urls: true,
  numbers: true,
  stem: false,
};
const BOOLEAN_KEYS = ['lowercase', 'decodeHtml', 'asciiFold', 'urls', 'numbers', 'stem'] as const;
// Bounds the stem cache: AG News has ~60k distinct words, a long-running worker may see more.
const STEM_CACHE_LIMIT = 200_000;

/**
 * Checks options and fills in defaults. Unknown keys are errors: a model saved by a newer
 * version with an option this version does not know must not load with a silently different
 * tokenizer.
 */
export function resolveTokenizerOptions(options: unknown = {}): ResolvedTokenizerOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TokenizerError(`tokenizer options must be an object, got ${describe(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULTS)) {
      throw new TokenizerError(
        `unknown tokenizer option '${key}'; known options: ${Object.keys(DEFAULTS).join(', ')}`,
        { details: { field: key } },
      );
    }
  }
  const kind = given['kind'] ?? DEFAULTS.kind;
  if (!(NATURAL_TOKENIZER_KINDS as readonly unknown[]).includes(kind)) {
    throw new TokenizerError(
      `tokenizer option 'kind' is ${describe(kind)}; expected one of ${NATURAL_TOKENIZER_KINDS.join(', ')}`,
      { details: { field: 'kind', value: kind } },
    );
  }
  const resolved: Record<string, unknown> = { kind };
  for (const key of BOOLEAN_KEYS) {
    const value = given[key] ?? DEFAULTS[key];
    if (typeof value !== 'boolean') {
      throw new TokenizerError(
        `tokenizer option '${key}' is ${describe(value)}; expected a boolean`,
        {
          details: { field: key, value },
        },
      );
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved as Required<TokenizerOptions>);
}

/**
 * Builds a tokenizer. Steps, in order: decode HTML → ASCII-fold → lower-case → cut out URLs →
 * natural tokenizer → numbers to `<num>` → Porter stem.
 *
 * @example
 * const tokenizer = createTokenizer({ stem: true });
 * tokenizer.tokenize('Stocks rallied 3.5% — see http://x.com'); // ['stock', 'ralli', '<num>', 'see', '<url>']
 */
export function createTokenizer(options: TokenizerOptions = {}): Tokenizer {
  const resolved = resolveTokenizerOptions(options);
  const split = naturalTokenizer(resolved.kind);
  const stemCache = new Map<string, string>();

  const stem = (word: string): string => {
    let stemmed = stemCache.get(word);
    if (stemmed === undefined) {
      if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
      stemmed = porterStem(word);
      stemCache.set(word, stemmed);
    }
    return stemmed;
  };

  const appendTokens = (segment: string, out: string[]): void => {
    const tokens = split(segment);
    for (let i = 0; i < tokens.length; i++) {
      let token = tokens[i] as string;
      if (resolved.numbers && isNumberToken(token)) token = NUMBER_TOKEN;
      else if (resolved.stem) token = stem(token);
      out.push(token);
    }
  };

  const tokenize = (text: string): string[] => {
    if (typeof text !== 'string') {
      throw new TokenizerError(`tokenize() expects a string, got ${describe(text)}`, {
        code: 'INVALID_ARGUMENT',
      });
    }
    const normalized = normalizeText(text, resolved);
    const out: string[] = [];
    if (!resolved.urls) {
      appendTokens(normalized, out);
      return out;
    }
    const parts = splitUrls(normalized);
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 1) out.push(URL_TOKEN);
      else appendTokens(parts[i] as string, out);
    }
    return out;
  };

  return { tokenize, options: resolved };
}

/** True when two option sets build the same tokenizer. */
export function sameTokenizerOptions(a: TokenizerOptions, b: TokenizerOptions): boolean {
  const ra = resolveTokenizerOptions(a);
  const rb = resolveTokenizerOptions(b);
  return (Object.keys(DEFAULTS) as (keyof TokenizerOptions)[]).every((key) => ra[key] === rb[key]);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
