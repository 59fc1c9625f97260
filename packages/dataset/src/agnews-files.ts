/** The three files that make an AG News directory, as the original archive names them. */
export const AG_NEWS_FILES = {
  train: 'train.csv',
  test: 'test.csv',
  classes: 'classes.txt',
} as const;

export type AgNewsSplitName = 'train' | 'test';

/**
 * MD5 of the complete original files, as torchtext publishes them for its AG_NEWS loader.
 * A full copy must match these; a subset (like the shared train.csv) will not, which is why
 * only downloads are checked against them.
 */
export const AG_NEWS_MD5: Readonly<Record<AgNewsSplitName, string>> = {
  train: 'b1a00f826fdfbd249f79597b59e1dc12',
  test: 'd52ea96a97a2d943681189a97654912d',
};

/** The public archive of the original CSV files (the copy fastai mirrors). */
export const AG_NEWS_DEFAULT_URL = 'https://s3.amazonaws.com/fast-ai-nlp/ag_news_csv.tgz';
