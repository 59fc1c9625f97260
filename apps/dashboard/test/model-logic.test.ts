import type { TrainingJobView, TrainingProgress } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../src/api/job-event-source.js';
import { spread } from '../src/model/cell-stats.js';
import { isComparisonRun, isDisagreement } from '../src/model/comparison-shape.js';
import { jobProgress } from '../src/model/job-progress.js';

describe('parseServerSentEvents', () => {
  it('splits complete messages, skips comments, keeps a partial message for the next chunk', () => {
    const { messages, rest } = parseServerSentEvents(
      'event: snapshot\ndata: {"id":"1"}\n\n: heartbeat\n\nevent: progress\ndata: {"epoch"',
    );
    expect(messages).toEqual([{ event: 'snapshot', data: '{"id":"1"}' }]);
    expect(rest).toBe('event: progress\ndata: {"epoch"');
    const next = parseServerSentEvents(`${rest}:2}\r\n\r\n`);
    expect(next.messages).toEqual([{ event: 'progress', data: '{"epoch":2}' }]);
    expect(next.rest).toBe('');
  });
});

describe('spread', () => {
  it('is the mean and sample standard deviation of the values present', () => {
    expect(spread([0.8, null, 0.9])).toEqual({
      n: 2,
      mean: 0.8500000000000001,
      sd: expect.closeTo(0.0707107, 6),
    });
    expect(spread([0.7])).toEqual({ n: 1, mean: 0.7, sd: null });
    expect(spread([null])).toEqual({ n: 0, mean: null, sd: null });
  });
});

const progress = (p: Partial<TrainingProgress>): TrainingProgress => ({
  phase: 'training',
  epoch: 1,
  epochs: 4,
  batch: 0,
  batches: 10,
  loss: null,
  accuracy: null,
  valLoss: null,
  valAccuracy: null,
  samplesPerSecond: null,
  etaSeconds: null,
  history: [],
  ...p,
});
const epoch = (n: number) => ({
  epoch: n,
  loss: 1,
  accuracy: 0.5,
  valLoss: 1,
  valAccuracy: 0.5,
  seconds: 1,
});
const job = (j: Partial<TrainingJobView>): TrainingJobView =>
  ({ state: 'active', progress: null, history: [], failedReason: null, ...j }) as TrainingJobView;

describe('jobProgress', () => {
  it('grows through the epochs and batches, and is full only when the job completed', () => {
    const early = jobProgress(job({ progress: progress({ epoch: 1, batch: 5 }) }));
    const later = jobProgress(
      job({ progress: progress({ epoch: 3, batch: 5 }), history: [epoch(1), epoch(2)] }),
    );
    // After the last epoch the worker still evaluates and saves: not done yet.
    const trained = jobProgress(
      job({
        progress: progress({ epoch: 4, batch: 10 }),
        history: [epoch(1), epoch(2), epoch(3), epoch(4)],
      }),
    );
    expect(early.fraction).toBeGreaterThan(0.08);
    expect(later.fraction).toBeGreaterThan(early.fraction);
    expect(trained.fraction).toBeGreaterThan(later.fraction);
    expect(trained.fraction).toBeLessThan(1);
    expect(later.text).toBe('epoch 3/4 · batch 5/10');
    expect(jobProgress(job({ state: 'completed' }))).toEqual({ fraction: 1, text: 'done' });
    expect(jobProgress(job({ state: 'queued' })).text).toBe('queued');
    expect(jobProgress(job({ state: 'failed', failedReason: 'boom' })).text).toBe('failed: boom');
  });
});

describe('comparison shape guards (the GET /v1/comparisons answer)', () => {
  const run = {
    id: 'c1',
    state: 'completed',
    cells: ['gru', 'lstm'],
    seeds: [1, 2],
    pairwise: [
      { a: 'gru', b: 'lstm', combined: { n: 10, onlyA: 4, onlyB: 1, pValue: 0.375, winner: null } },
    ],
  };

  it('accepts the API shape and refuses anything else instead of showing wrong numbers', () => {
    expect(isComparisonRun(run)).toBe(true);
    expect(isComparisonRun({ ...run, pairwise: [{ a: 'gru', b: 'lstm', pValue: 0.3 }] })).toBe(
      false,
    );
    expect(isComparisonRun({ ...run, cells: 'gru,lstm' })).toBe(false);
    expect(isComparisonRun({ ...run, seeds: undefined })).toBe(false);
    expect(
      isDisagreement({ index: 3, text: 't', label: 'World', predicted: { gru: 'World' } }),
    ).toBe(true);
    expect(isDisagreement({ index: 3, text: 't', label: 'World' })).toBe(false);
  });
});
