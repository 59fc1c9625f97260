import { join } from 'node:path';
import { AG_NEWS_FILES, type AgNewsSplitName } from './agnews-files.js';
import {
  type AgNewsFileSummary,
  type StreamAgNewsRowsOptions,
  streamAgNewsRows,
} from './agnews-row-stream.js';
import { DatasetError } from './dataset-error.js';

/** One example as training and evaluation use it. */
export interface AgNewsExample {
  /** 0-based class index. */
  label: number;
  /** Normalised title + description. */
  text: string;
  /** 1-based line in the source file, for tracing a prediction back to its row. */
  line: number;
}

export interface AgNewsSplit {
  examples: AgNewsExample[];
  summary: AgNewsFileSummary;
}

/** Reads `dir/train.csv` or `dir/test.csv` completely; see {@link streamAgNewsRows}. */
export async function readAgNewsSplit(
  dir: string,
  split: AgNewsSplitName,
  options: StreamAgNewsRowsOptions = {},
): Promise<AgNewsSplit> {
  if (split !== 'train' && split !== 'test') {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `split must be 'train' or 'test', got ${JSON.stringify(split)}`,
      {
        details: { field: 'split', value: split },
      },
    );
  }
  const rows = streamAgNewsRows(join(dir, AG_NEWS_FILES[split]), options);
  const examples: AgNewsExample[] = [];
  for await (const row of rows) examples.push({ label: row.label, text: row.text, line: row.line });
  return { examples, summary: rows.summary };
}
