import type { CsvError } from 'csv-parse';
import { normalizeAgNewsText } from './normalize-text.js';

/** Why a record is not a valid AG News row; `message` is written for a person. */
export interface RowProblem {
  message: string;
  details: Record<string, unknown>;
}

export type CheckedRecord =
  | { label: number; title: string; description: string; text: string }
  | { problem: RowProblem };

const CLASS_PATTERN = /^[1-9][0-9]*$/;

/** Checks one parsed record `[class, title, description]` and builds its row. */
export function checkAgNewsRecord(fields: string[], classCount: number): CheckedRecord {
  if (fields.length !== 3) {
    return {
      problem: {
        message: `expected 3 fields (class, title, description), found ${fields.length}`,
        details: { field: 'record', fields: fields.length },
      },
    };
  }
  const [rawClass, title, description] = fields as [string, string, string];
  const classNumber = CLASS_PATTERN.test(rawClass) ? Number(rawClass) : Number.NaN;
  if (!(classNumber >= 1 && classNumber <= classCount)) {
    return {
      problem: {
        message: `class '${clip(rawClass)}' is not one of 1..${classCount}`,
        details: { field: 'class', value: clip(rawClass) },
      },
    };
  }
  const text = normalizeAgNewsText(title, description);
  if (text === '') {
    return {
      problem: {
        message: 'empty text: title and description are both blank',
        details: { field: 'text', value: '' },
      },
    };
  }
  return { label: classNumber - 1, title, description, text };
}

/** Turns a csv-parse error into a sentence about the file, not about the parser. */
export function describeCsvError(error: CsvError | undefined, line: number): string {
  if (error === undefined) return 'broken CSV record';
  const detectedAt =
    error.lines !== undefined && error.lines !== line ? ` (noticed at line ${error.lines})` : '';
  switch (error.code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `broken quoting${detectedAt}: a quoted field is followed by more text instead of a comma or line end (a quote inside a field must be doubled: "")`;
    case 'INVALID_OPENING_QUOTE':
      return `broken quoting${detectedAt}: a quote appears inside an unquoted field`;
    case 'CSV_QUOTE_NOT_CLOSED':
      return `broken quoting${detectedAt}: a quoted field is never closed before the end of the file`;
    case 'CSV_MAX_RECORD_SIZE':
      return `record too long${detectedAt}: most likely a quote that is never closed`;
    default:
      return `malformed CSV${detectedAt}: ${error.message}`;
  }
}

function clip(value: string): string {
  return value.length > 40 ? value.slice(0, 40) + '…' : value;
}
