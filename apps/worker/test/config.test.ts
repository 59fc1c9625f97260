import { TRAINING_BUDGET_DEFAULTS } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../src/config.js';

describe('loadWorkerConfig: the training budget', () => {
  it('defaults to TRAINING_BUDGET_DEFAULTS', () => {
    expect(loadWorkerConfig({}).budget).toEqual(TRAINING_BUDGET_DEFAULTS);
  });

  it('reads NEWSCELL_MAX_JOB_MEMORY_MB, NEWSCELL_MAX_JOB_GFLOP and NEWSCELL_MAX_COMPARISON_GFLOP', () => {
    const config = loadWorkerConfig({
      NEWSCELL_MAX_JOB_MEMORY_MB: '8192',
      NEWSCELL_MAX_JOB_GFLOP: '2500.5',
      NEWSCELL_MAX_COMPARISON_GFLOP: '100000',
    });
    expect(config.budget).toEqual({
      maxJobMemoryMb: 8192,
      maxJobGflop: 2500.5,
      maxComparisonGflop: 100_000,
    });
  });

  it('refuses a bad value naming the variable', () => {
    expect(() => loadWorkerConfig({ NEWSCELL_MAX_JOB_MEMORY_MB: '0' })).toThrow(
      /NEWSCELL_MAX_JOB_MEMORY_MB/,
    );
    expect(() => loadWorkerConfig({ NEWSCELL_MAX_JOB_GFLOP: 'lots' })).toThrow(
      /NEWSCELL_MAX_JOB_GFLOP/,
    );
  });
});
