import type { TrainingProgress } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../src/progress-reporter.js';

function setup() {
  const sent: TrainingProgress[] = [];
  let clock = 0;
  const reporter = new ProgressReporter({
    send: async (p) => {
      sent.push(p);
    },
    minIntervalMs: 250,
    now: () => clock,
  });
  return { sent, reporter, tick: (ms: number) => (clock += ms) };
}

describe('ProgressReporter', () => {
  it('throttles batch updates but always sends phases and epoch ends', async () => {
    const { sent, reporter, tick } = setup();
    await reporter.phase('training', { epochs: 2, batches: 100 });
    for (let batch = 1; batch <= 100; batch++) {
      tick(10); // a batch every 10 ms: 1 s in all
      await reporter.batch({ batch, loss: 1 / batch });
    }
    // 1 phase + one batch update per 250 ms
    expect(sent.length).toBe(1 + 4);
    await reporter.epochEnd(
      { epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75, seconds: 1 },
      { epoch: 1 },
    );
    expect(sent.at(-1)?.history).toHaveLength(1);
    expect(sent.at(-1)).toMatchObject({ phase: 'training', epoch: 1, batch: 100, epochs: 2 });
  });

  it('flush sends the last held-back state', async () => {
    const { sent, reporter, tick } = setup();
    await reporter.batch({ batch: 1 });
    tick(5);
    await reporter.batch({ batch: 2 });
    expect(sent.at(-1)?.batch).toBe(1);
    await reporter.flush();
    expect(sent.at(-1)?.batch).toBe(2);
    const count = sent.length;
    await reporter.flush();
    expect(sent.length).toBe(count);
  });

  it('keeps a restored history and replaces a repeated epoch', async () => {
    const { sent, reporter } = setup();
    const epoch1 = {
      epoch: 1,
      loss: 1,
      accuracy: 0.5,
      valLoss: null,
      valAccuracy: null,
      seconds: 2,
    };
    reporter.restoreHistory([epoch1]);
    await reporter.epochEnd({ ...epoch1, epoch: 2 });
    await reporter.epochEnd({ ...epoch1, epoch: 2, loss: 0.9 });
    expect(sent.at(-1)?.history.map((r) => [r.epoch, r.loss])).toEqual([
      [1, 1],
      [2, 0.9],
    ]);
  });

  it('never lets a failed send break training', async () => {
    const reporter = new ProgressReporter({
      send: async () => {
        throw new Error('redis down');
      },
    });
    await expect(reporter.phase('loading')).resolves.toBeUndefined();
  });
});
