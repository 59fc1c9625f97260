/**
 * The one place `natural` (CommonJS) enters newscell. Only the tokenizer and stemmer submodules are
 * required: natural's index also loads WordNet, database clients and dotenv (which prints to
 * stdout), costing ~0.6 s and ~110 MB RSS at start-up against ~10 ms for these files
 * (`npm run bench` measures both).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface NaturalTokenizer {
  tokenize(text: string): string[];
}
type NaturalTokenizerClass = new () => NaturalTokenizer;

const AggressiveTokenizer =
  require('natural/lib/natural/tokenizers/aggressive_tokenizer.js') as NaturalTokenizerClass;
const { WordTokenizer, WordPunctTokenizer } =
  require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as {
    WordTokenizer: NaturalTokenizerClass;
    WordPunctTokenizer: NaturalTokenizerClass;
  };
const TreebankWordTokenizer =
  require('natural/lib/natural/tokenizers/treebank_word_tokenizer.js') as NaturalTokenizerClass;
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as {
  stem(word: string): string;
};

/** The natural word tokenizers newscell offers; see `TokenizerOptions.kind` for how they differ. */
export const NATURAL_TOKENIZER_KINDS = ['word', 'aggressive', 'wordPunct', 'treebank'] as const;
export type NaturalTokenizerKind = (typeof NATURAL_TOKENIZER_KINDS)[number];

const CLASSES: Record<NaturalTokenizerKind, NaturalTokenizerClass> = {
  word: WordTokenizer,
  aggressive: AggressiveTokenizer,
  wordPunct: WordPunctTokenizer,
  treebank: TreebankWordTokenizer,
};

/** A natural tokenizer as a plain function (natural's instances keep no per-call state). */
export function naturalTokenizer(kind: NaturalTokenizerKind): (text: string) => string[] {
  const instance = new CLASSES[kind]();
  return (text) => instance.tokenize(text);
}

/** natural's Porter stemmer (English). */
export function porterStem(word: string): string {
  return PorterStemmer.stem(word);
}
