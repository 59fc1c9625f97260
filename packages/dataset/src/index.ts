export {
  type AgNewsDirForTestsOptions,
  agNewsDirForTests,
  findWorkspaceRoot,
} from './agnews-dir-for-tests.js';
export {
  AG_NEWS_DEFAULT_URL,
  AG_NEWS_FILES,
  AG_NEWS_MD5,
  type AgNewsSplitName,
} from './agnews-files.js';
export {
  type AgNewsFileSummary,
  type AgNewsRow,
  AgNewsRowStream,
  type SkippedRows,
  type StreamAgNewsRowsOptions,
  streamAgNewsRows,
} from './agnews-row-stream.js';
export { readClassNames } from './class-names.js';
export { DatasetError } from './dataset-error.js';
export { type DownloadAgNewsOptions, type DownloadedAgNews, downloadAgNews } from './download.js';
export {
  type AgNewsData,
  type AgNewsDataSummary,
  type ExampleLimit,
  type LoadAgNewsOptions,
  loadAgNews,
} from './load-agnews.js';
export { missingAgNewsFiles } from './missing-files.js';
export {
  AG_NEWS_TEXT_NORMALIZATION,
  normalizeAgNewsField,
  normalizeAgNewsText,
} from './normalize-text.js';
export { type AgNewsExample, type AgNewsSplit, readAgNewsSplit } from './read-split.js';
export {
  type AgNewsDirSource,
  type ResolveAgNewsDirOptions,
  type ResolvedAgNewsDir,
  resolveAgNewsDir,
} from './resolve-dir.js';
export { createSeededRandom } from './seeded-random.js';
export { type StratifiedSampleOptions, stratifiedSample } from './stratified-sample.js';
export { type StratifiedSplitOptions, stratifiedSplit } from './stratified-split.js';
