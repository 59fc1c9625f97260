import { describe, expect, it } from 'vitest';
import { compareIdsNewestFirst, viewState } from '../../src/jobs/job-view.js';

describe('viewState', () => {
  it('folds the waiting states into queued', () => {
    for (const s of ['waiting', 'delayed', 'prioritized', 'waiting-children'] as const) {
      expect(viewState(s, undefined)).toBe('queued');
    }
  });

  it('calls a failure cancelled only when its reason starts JOB_CANCELLED', () => {
    expect(viewState('failed', 'JOB_CANCELLED: by request')).toBe('cancelled');
    expect(viewState('failed', 'DATASET_EMPTY: JOB_CANCELLED later')).toBe('failed');
    expect(viewState('failed', undefined)).toBe('failed');
  });

  it('passes active and completed through, and has no state for a vanished job', () => {
    expect(viewState('active', undefined)).toBe('active');
    expect(viewState('completed', undefined)).toBe('completed');
    expect(viewState('unknown', undefined)).toBeUndefined();
  });
});

describe('compareIdsNewestFirst', () => {
  it('orders numeric ids as numbers, others as text, newest first', () => {
    expect(['2', '10', '1'].sort(compareIdsNewestFirst)).toEqual(['10', '2', '1']);
    expect(['a', 'c', 'b'].sort(compareIdsNewestFirst)).toEqual(['c', 'b', 'a']);
  });
});
