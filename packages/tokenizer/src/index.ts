export { syncDirectory, syncTree, writeFileAtomic, writeFileDurably } from './atomic-write.js';
export {
  EMBEDDING_FILE_MAGIC,
  EMBEDDING_FILE_VERSION,
  type EmbeddingFileContent,
} from './embedding-file.js';
export { EmbeddingMatrix, type Neighbour } from './embedding-matrix.js';
export {
  EmbeddingsError,
  TokenizerError,
  type TokenizerPackageErrorOptions,
  VocabularyError,
} from './errors.js';
export { NATURAL_TOKENIZER_KINDS, type NaturalTokenizerKind } from './natural-adapter.js';
export {
  type EmbeddingCoverage,
  loadPretrainedEmbeddings,
  type PretrainedEmbeddingOptions,
} from './pretrained-embeddings.js';
export { type RandomEmbeddingOptions, randomEmbeddings } from './random-embeddings.js';
export { type SkipGramOptions, type SkipGramStats, trainSkipGram } from './skip-gram.js';
export { type SkipGramKernelKind, wasmSimdAvailable } from './skip-gram-kernel.js';
export {
  createTokenizer,
  NUMBER_TOKEN,
  type ResolvedTokenizerOptions,
  resolveTokenizerOptions,
  sameTokenizerOptions,
  type Tokenizer,
  type TokenizerOptions,
  URL_TOKEN,
} from './tokenizer.js';
export {
  type EncodeBatchOptions,
  type EncodedBatch,
  type OovReport,
  type TextSource,
  Vocabulary,
  type VocabularyBuildOptions,
} from './vocabulary.js';
export {
  PAD_ID,
  PAD_TOKEN,
  UNK_ID,
  UNK_TOKEN,
  VOCABULARY_FORMAT,
  VOCABULARY_FORMAT_VERSION,
  type VocabularyJson,
  vocabularyHash,
} from './vocabulary-json.js';
