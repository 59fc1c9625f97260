import { AG_NEWS_CLASS_COUNT } from '@newscell/contracts';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { type CsvError, type Options as CsvOptions, parse } from 'csv-parse';
import { DatasetError } from './dataset-error.js';
import { assertReadableFile, describeForeignEncoding, fileSystemError } from './file-checks.js';
import { AG_NEWS_TEXT_NORMALIZATION, normalizeAgNewsText } from './normalize-text.js';
import { type RowProblem, checkAgNewsRecord, describeCsvError } from './row-checks.js';
import { Utf8Validator } from './utf8-validator.js';

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

interface ParsedRecord {
  line: number;
  fields: string[];
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
      throw new DatasetError('INVALID_ARGUMENT', `${this.path} is being read already; call streamAgNewsRows again`);
    }
    this.#started = true;
    const path = this.path;
    const name = basename(path);
    const { classCount, onInvalidRow } = this.#options;
    const skip = onInvalidRow === 'skip';
    await assertReadableFile(path);

    const hash = createHash('sha256');
    const utf8 = new Utf8Validator();
    let bytes = 0;
    let newlines = 0;
    const encodingError = (detail: string, line?: number) =>
      new DatasetError(
        'DATASET_ENCODING',
        `${name}${line === undefined ? '' : ` line ${line}`}: ${detail}; AG News files must be UTF-8 text (${path})`,
        { details: { file: name, path, ...(line === undefined ? {} : { line }) } },
      );
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (bytes === 0) {
          const foreign = describeForeignEncoding(chunk.subarray(0, 4096));
          if (foreign !== undefined) return done(encodingError(`the file looks ${foreign}`));
        }
        const bad = utf8.push(chunk);
        if (bad !== undefined) {
          const line = newlines + countNewlines(chunk, Math.max(0, bad - bytes)) + 1;
          const byte = chunk[bad - bytes];
          const shown = byte === undefined ? '' : ` 0x${byte.toString(16).padStart(2, '0')}`;
          return done(encodingError(`invalid UTF-8 byte${shown} at byte offset ${bad}`, line));
        }
        hash.update(chunk);
        bytes += chunk.length;
        newlines += countNewlines(chunk, chunk.length);
        done(null, chunk);
      },
      flush(done) {
        const bad = utf8.end();
        if (bad !== undefined) {
          return done(encodingError(`the file ends inside a UTF-8 character (byte offset ${bad})`));
        }
        done();
      },
    });

    const skipped: { line: number; message: string }[] = [];
    const perClass = new Array<number>(classCount).fill(0);
    let rows = 0;
    // Records are parsed synchronously ahead of consumption, so their lines are tracked here.
    let lastEndLine = 0;
    const csvOptions: CsvOptions<ParsedRecord, string[]> = {
      bom: true,
      relax_column_count: true,
      skip_records_with_error: skip,
      on_record: (fields: string[], context) => {
        const line = lastEndLine + 1;
        lastEndLine = context.lines;
        return { line, fields };
      },
      on_skip: (error: CsvError | undefined) => {
        const line = lastEndLine + 1;
        if (typeof error?.lines === 'number') lastEndLine = Math.max(lastEndLine, error.lines);
        skipped.push({ line, message: `${name} line ${line}: ${describeCsvError(error, line)}` });
        return undefined;
      },
    };
    // csv-parse's typings assume on_record returns the record type it received.
    const parser = parse(csvOptions as unknown as CsvOptions);
    pipeline(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), tap, parser, () => {
      // Failures surface through the parser's iterator below.
    });

    const rowError = (line: number, problem: RowProblem) =>
      new DatasetError('DATASET_INVALID_ROW', `${name} line ${line}: ${problem.message}`, {
        details: { file: name, path, line, ...problem.details },
      });
    try {
      for await (const record of parser as AsyncIterable<ParsedRecord>) {
        const checked = checkAgNewsRecord(record.fields, classCount);
        if ('problem' in checked) {
          if (!skip) throw rowError(record.line, checked.problem);
          skipped.push({ line: record.line, message: `${name} line ${record.line}: ${checked.problem.message}` });
          continue;
        }
        rows++;
        perClass[checked.label] = (perClass[checked.label] ?? 0) + 1;
        yield { line: record.line, ...checked };
      }
    } catch (error) {
      if (error instanceof DatasetError) throw error;
      const csvCode = (error as { code?: unknown }).code;
      if (typeof csvCode === 'string' && /^(CSV_|INVALID_)/.test(csvCode)) {
        const line = lastEndLine + 1;
        throw rowError(line, { message: describeCsvError(error as CsvError, line), details: { csvCode } });
      }
      throw fileSystemError(path, error);
    }

    if (rows === 0) {
      const why =
        skipped.length === 0
          ? 'has no rows'
          : `has no valid rows (all ${skipped.length} were skipped; first: ${skipped[0]!.message})`;
      throw new DatasetError('DATASET_EMPTY', `${name} ${why}: ${path}`, {
        details: { file: name, path, skipped: skipped.length },
      });
    }
    skipped.sort((a, b) => a.line - b.line);
    this.#summary = {
      file: name,
      path,
      bytes,
      sha256: hash.digest('hex'),
      rows,
      perClass,
      skipped: {
        count: skipped.length,
        lines: skipped.slice(0, this.#options.maxReportedSkips).map((s) => s.line),
        firstErrors: skipped.slice(0, REPORTED_ERROR_MESSAGES).map((s) => s.message),
      },
      textNormalization: AG_NEWS_TEXT_NORMALIZATION,
    };
  }
}

function countNewlines(chunk: Buffer, end: number): number {
  let count = 0;
  let at = chunk.indexOf(10);
  while (at !== -1 && at < end) {
    count++;
    at = chunk.indexOf(10, at + 1);
  }
  return count;
}

function invalidOption(field: string, value: unknown, expected: string): DatasetError {
  return new DatasetError('INVALID_ARGUMENT', `${field} must be ${expected}, got ${JSON.stringify(value)}`, {
    details: { field, value },
  });
}
