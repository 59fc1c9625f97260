import { NewscellError } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import {
  cancelledReason,
  classifyFailure,
  crashedOutOfMemory,
  failureReason,
  isOutOfMemory,
} from '../src/failure.js';

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

  it('fails a job over the cost budget at once: it is as large on every attempt', () => {
    const error = new NewscellError('LIMIT_EXCEEDED', 'estimated 6,148 GiB of training memory');
    expect(classifyFailure(error)).toBe('permanent');
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

describe('out of memory', () => {
  it('is permanent: the same job runs out again on every attempt', () => {
    const jsHeap = new RangeError('Array buffer allocation failed');
    const wasmHeap = new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    const system = Object.assign(new Error('spawn failed'), { code: 'ENOMEM' });
    for (const error of [jsHeap, wasmHeap, system]) {
      expect(isOutOfMemory(error)).toBe(true);
      expect(classifyFailure(error)).toBe('permanent');
    }
    expect(failureReason(jsHeap)).toMatch(
      /^out of memory: Array buffer allocation failed; .*batch size/,
    );
    expect(isOutOfMemory(new RangeError('Invalid array length'))).toBe(false);
  });

  it('recognises a training process that died of it (heap limit abort, OOM killer)', () => {
    expect(crashedOutOfMemory('Unexpected exit code: 134 signal: null')).toBe(true);
    expect(crashedOutOfMemory('Unexpected exit code: null signal: SIGKILL')).toBe(true);
    expect(crashedOutOfMemory('Unexpected exit code: 1 signal: null')).toBe(false);
    expect(crashedOutOfMemory(undefined)).toBe(false);
  });
});
