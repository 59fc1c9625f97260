import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pipeline } from 'node:stream';
import { AG_NEWS_CLASS_COUNT } from '@newscell/contracts';
import { type CsvError, parse } from 'csv-parse';
import { checkedByteStream } from './checked-byte-stream.js';
import { DatasetError } from './dataset-error.js';
import { assertReadableFile, fileSystemError } from './file-checks.js';
import { AG_NEWS_TEXT_NORMALIZATION } from './normalize-text.js';
import { checkAgNewsRecord, describeCsvError, type RowProblem } from './row-checks.js';

/** One valid row of an AG News CSV file. */
export interface AgNewsRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  /** 0-based class index (the file's class 1 is label 0). */
  label: number;
  /** Title and description exactly as parsed from the CSV. */
  title: string;
  description: string;
  /** `normalizeAgNewsText(title, description)`. */
  text: string;
}

export interface StreamAgNewsRowsOptions {
  /**
   * What a bad row (wrong field count, unknown class, empty text, broken quoting) does:
   * `'error'` stops with a `DATASET_INVALID_ROW` error naming file and line; `'skip'` leaves the
   * row out and counts it in `summary.skipped`. Encoding problems always stop.
   * @defaultValue `'error'`
   */
  onInvalidRow?: 'error' | 'skip';
  /**
   * Number of classes; a row's class must be one of `1..classCount`.
   * @defaultValue `4` (AG News)
   */
  classCount?: number;
  /**
   * How many skipped line numbers the summary lists (the count is always exact).
   * @defaultValue `100`
   */
  maxReportedSkips?: number;
}

/** Rows left out under `onInvalidRow: 'skip'`. */
export interface SkippedRows {
  count: number;
  /** First skipped lines, ascending, at most `maxReportedSkips` of them. */
  lines: number[];
  /** Messages of the first ten skipped rows. */
  firstErrors: string[];
}

/** What a file held; stored with every model trained on it. */
export interface AgNewsFileSummary {
  /** File name, e.g. `train.csv`. */
  file: string;
  /** Absolute path that was read. */
  path: string;
  bytes: number;
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  /** Valid rows read. */
  rows: number;
  /** Valid rows per 0-based label. */
  perClass: number[];
  skipped: SkippedRows;
  /** Version of the text cleaning applied to `text`. */
  textNormalization: string;
}

const READ_CHUNK_BYTES = 256 * 1024;
const REPORTED_ERROR_MESSAGES = 10;

/**
 * Streams the rows of one AG News CSV file (no header; `"class","title","description"`).
 * Iterate it once with `for await`; afterwards `summary` holds counts and the file's hash.
 */
export function streamAgNewsRows(
  file: string,
  options: StreamAgNewsRowsOptions = {},
): AgNewsRowStream {
  return new AgNewsRowStream(file, options);
}

export class AgNewsRowStream implements AsyncIterable<AgNewsRow> {
  readonly path: string;
  readonly #options: Required<StreamAgNewsRowsOptions>;
  #summary: AgNewsFileSummary | undefined;
  #started = false;

  constructor(file: string, options: StreamAgNewsRowsOptions = {}) {
    this.path = resolve(file);
    this.#options = {
      onInvalidRow: options.onInvalidRow ?? 'error',
      classCount: options.classCount ?? AG_NEWS_CLASS_COUNT,
      maxReportedSkips: options.maxReportedSkips ?? 100,
    };
    const { classCount, maxReportedSkips, onInvalidRow } = this.#options;
    if (!Number.isInteger(classCount) || classCount < 1) {
      throw invalidOption('classCount', classCount, 'a positive integer');
    }
    if (!Number.isInteger(maxReportedSkips) || maxReportedSkips < 0) {
      throw invalidOption('maxReportedSkips', maxReportedSkips, 'a non-negative integer');
    }
    if (onInvalidRow !== 'error' && onInvalidRow !== 'skip') {
      throw invalidOption('onInvalidRow', onInvalidRow, "'error' or 'skip'");
    }
  }

  /** Counts, skipped rows and hash of the file; available once every row has been read. */
  get summary(): AgNewsFileSummary {
    if (this.#summary === undefined) {
      throw new DatasetError(
        'INVALID_ARGUMENT',
        `the summary of ${this.path} is available only after all its rows have been read`,
      );
    }
    return this.#summary;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AgNewsRow> {
    if (this.#started) {
      throw new DatasetError(
        'INVALID_ARGUMENT',
        `${this.path} is being read already; call streamAgNewsRows again`,
      );
    }
    this.#started = true;
    const path = this.path;
    const name = basename(path);
    const { classCount, onInvalidRow, maxReportedSkips } = this.#options;
    const skip = onInvalidRow === 'skip';
    await assertReadableFile(path);

    const bytes = checkedByteStream(path);

    // Skips arrive in line order, so keeping the first few is enough for the report.
    const skipped = { count: 0, lines: [] as number[], firstErrors: [] as string[] };
    const noteSkip = (line: number, problem: string) => {
      skipped.count++;
      if (skipped.lines.length < maxReportedSkips) skipped.lines.push(line);
      if (skipped.firstErrors.length < REPORTED_ERROR_MESSAGES) {
        skipped.firstErrors.push(`${name} line ${line}: ${problem}`);
      }
    };
    const perClass = new Array<number>(classCount).fill(0);
    let rows = 0;
    // Line numbers are derived from the records rather than from csv-parse's per-record `info`,
    // which costs an object per record. A record starts on the line after the previous one
    // ends; it ends further down only if a quoted field holds line breaks.
    let nextLine = 1;
    let consumed = 0;
    const pendingSkips: { afterRecords: number; error: CsvError | undefined }[] = [];
    const parser = parse({
      bom: true,
      relax_column_count: true,
      // Even when bad rows are errors: a skip is queued in order with the records, so the error
      // names the right line; an error thrown by the parser would overtake buffered records.
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        pendingSkips.push({ afterRecords: parser.info.records, error });
        return undefined;
      },
    });
    const rowError = (line: number, problem: RowProblem) =>
      new DatasetError('DATASET_INVALID_ROW', `${name} line ${line}: ${problem.message}`, {
        details: { file: name, path, line, ...problem.details },
      });
    const takeSkips = (upTo: number) => {
      while (pendingSkips.length > 0 && pendingSkips[0]!.afterRecords <= upTo) {
        const { error } = pendingSkips.shift()!;
        const line = nextLine;
        const problem = describeCsvError(error, line);
        if (!skip) throw rowError(line, { message: problem, details: { csvCode: error?.code } });
        noteSkip(line, problem);
        // csv-parse resumes after the line on which it noticed the problem.
        if (typeof error?.lines === 'number') nextLine = Math.max(nextLine, error.lines) + 1;
        else nextLine++;
      }
    };
    pipeline(
      createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }),
      bytes.transform,
      parser,
      () => {
        // Failures surface through the parser's iterator below.
      },
    );

    try {
      for await (const fields of parser as AsyncIterable<string[]>) {
        takeSkips(consumed);
        consumed++;
        const line = nextLine;
        nextLine += 1 + lineBreaksIn(fields);
        // A blank line (often a stray one at the end of a hand-edited copy) holds no row.
        if (fields.length === 1 && fields[0] === '') continue;
        const checked = checkAgNewsRecord(fields, classCount);
        if ('problem' in checked) {
          if (!skip) throw rowError(line, checked.problem);
          noteSkip(line, checked.problem.message);
          continue;
        }
        rows++;
        perClass[checked.label] = (perClass[checked.label] ?? 0) + 1;
        yield { line, ...checked };
      }
      takeSkips(Number.POSITIVE_INFINITY);
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      const csvCode = (error as { code?: unknown }).code;
      if (typeof csvCode === 'string' && /^(CSV_|INVALID_)/.test(csvCode)) {
        const problem = describeCsvError(error as CsvError, nextLine);
        throw rowError(nextLine, { message: problem, details: { csvCode } });
      }
      throw fileSystemError(path, error);
    }

    if (rows === 0) {
      const why =
        skipped.count === 0
          ? 'has no rows'
          : `has no valid rows (all ${skipped.count} were skipped; first: ${skipped.firstErrors[0]})`;
      throw new DatasetError('DATASET_EMPTY', `${name} ${why}: ${path}`, {
        details: { file: name, path, skipped: skipped.count },
      });
    }
    this.#summary = {
      file: name,
      path,
      bytes: bytes.count(),
      sha256: bytes.sha256(),
      rows,
      perClass,
      skipped,
      textNormalization: AG_NEWS_TEXT_NORMALIZATION,
    };
  }
}

function lineBreaksIn(fields: string[]): number {
  let count = 0;
  for (const field of fields) {
    for (let at = field.indexOf('\n'); at !== -1; at = field.indexOf('\n', at + 1)) count++;
  }
  return count;
}

function invalidOption(field: string, value: unknown, expected: string): DatasetError {
  return new DatasetError(
    'INVALID_ARGUMENT',
    `${field} must be ${expected}, got ${JSON.stringify(value)}`,
    {
      details: { field, value },
    },
  );
}
