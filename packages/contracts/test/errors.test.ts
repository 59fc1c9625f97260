import { describe, expect, it } from 'vitest';
import { AG_NEWS_LABELS, isNewscellError, NewscellError } from '../src/index.js';

describe('NewscellError', () => {
  it('carries a stable code, a message and details, and serialises them', () => {
    const error = new NewscellError(
      'DATASET_INVALID_ROW',
      "train.csv line 3: class '5' is not one of 1..4",
      {
        details: { file: 'train.csv', line: 3 },
      },
    );
    expect(error.name).toBe('NewscellError');
    expect(error.code).toBe('DATASET_INVALID_ROW');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'DATASET_INVALID_ROW',
      message: "train.csv line 3: class '5' is not one of 1..4",
      details: { file: 'train.csv', line: 3 },
    });
  });

  it('names subclasses after themselves and keeps the cause', () => {
    class DatasetError extends NewscellError {}
    const cause = new Error('ENOENT');
    const error = new DatasetError('DATASET_NOT_FOUND', 'no data', { cause });
    expect(error.name).toBe('DatasetError');
    expect(error.cause).toBe(cause);
    expect(isNewscellError(error)).toBe(true);
    expect(isNewscellError(new Error('plain'))).toBe(false);
  });

  it('lists the AG News labels in class order', () => {
    expect(AG_NEWS_LABELS).toEqual(['World', 'Sports', 'Business', 'Sci/Tech']);
  });
});
