import { NewscellError } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { cancelledReason, classifyFailure, failureReason } from '../src/failure.js';

describe('classifyFailure', () => {
  it('fails bad configuration and unreadable data at once', () => {
    expect(classifyFailure(new NewscellError('INVALID_CONFIG', 'bad'))).toBe('permanent');
    expect(classifyFailure(new NewscellError('DATASET_INVALID_ROW', 'train.csv line 3'))).toBe(
      'permanent',
    );
    expect(classifyFailure(Object.assign(new Error('denied'), { code: 'EACCES' }))).toBe(
      'permanent',
    );
  });

  it('retries a full disk, a lost connection and the unknown', () => {
    expect(classifyFailure(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe(
      'transient',
    );
    expect(classifyFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      'transient',
    );
    expect(classifyFailure(new NewscellError('REDIS_UNAVAILABLE', 'down'))).toBe('transient');
    expect(classifyFailure(new Error('?'))).toBe('transient');
  });
});

describe('failureReason', () => {
  it('leads with the code', () => {
    expect(failureReason(new NewscellError('DATASET_EMPTY', 'train.csv is empty'))).toBe(
      'DATASET_EMPTY: train.csv is empty',
    );
    expect(failureReason(Object.assign(new Error('no space left'), { code: 'ENOSPC' }))).toBe(
      'ENOSPC: no space left',
    );
    expect(cancelledReason('by request')).toBe('JOB_CANCELLED: by request');
  });
});
