import type { TrainingJobView, TrainingProgress } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../src/api/job-event-source.js';
import { spread } from '../src/model/cell-stats.js';
import { comparisonFromForm, parseSeeds } from '../src/model/comparison-form.js';
import { cellAccuracies, isComparisonRun, isDisagreement } from '../src/model/comparison-shape.js';
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

describe('the compare form', () => {
  const form = (fields: [string, string][]) => {
    const data = new FormData();
    for (const [k, v] of fields) data.append(k, v);
    return data;
  };

  it('reads seeds separated by commas or spaces, and names a bad or repeated one', () => {
    expect(parseSeeds(' 1, 2  3,')).toEqual({ seeds: [1, 2, 3] });
    expect(parseSeeds('1, x')).toEqual({
      problem: 'Seeds: "x" is not a whole number from 0 to 2147483647',
    });
    expect(parseSeeds('1, -2')).toHaveProperty('problem');
    expect(parseSeeds('2147483648')).toHaveProperty('problem');
    expect(parseSeeds('4, 4')).toEqual({ problem: 'Seeds: 4 is listed twice' });
    expect(parseSeeds('  ')).toEqual({ problem: 'Seeds: enter at least one, e.g. "1, 2, 3"' });
    expect(parseSeeds('0 1 2 3 4 5 6 7 8 9 10')).toEqual({
      problem: 'Seeds: at most 10 (got 11)',
    });
  });

  it('builds the request, leaving empty fields to the defaults, and wants two cells', () => {
    expect(
      comparisonFromForm(
        form([
          ['cells', 'bow'],
          ['cells', 'rnn'],
          ['seeds', '1, 2'],
          ['epochs', '1'],
          ['trainPerClass', '40'],
          ['testPerClass', ''],
          ['name', ' run '],
        ]),
      ),
    ).toEqual({
      request: {
        name: 'run',
        cells: ['bow', 'rnn'],
        seeds: [1, 2],
        training: { epochs: 1 },
        data: { trainPerClass: 40 },
      },
    });
    expect(
      comparisonFromForm(
        form([
          ['cells', 'gru'],
          ['seeds', '1'],
        ]),
      ),
    ).toEqual({ problem: 'Cells: tick at least two to compare (ticked 1)' });
    expect(
      comparisonFromForm(
        form([
          ['cells', 'gru'],
          ['cells', 'lstm'],
          ['seeds', ''],
        ]),
      ),
    ).toHaveProperty('problem');
  });

  it("reads each cell's accuracy spread from a summary, and nothing before one exists", () => {
    const accuracy = { n: 2, mean: 0.8, sd: 0.01 };
    expect(cellAccuracies({ summary: { cells: [{ cell: 'gru', accuracy }] } })).toEqual([
      { cell: 'gru', ...accuracy },
    ]);
    expect(cellAccuracies({ summary: null })).toEqual([]);
    expect(cellAccuracies({ summary: { cells: [{ cell: 'gru', accuracy: { n: '2' } }] } })).toEqual(
      [],
    );
  });
});
