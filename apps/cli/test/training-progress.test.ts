import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatSeconds, TrainingProgress } from '../src/training-progress.js';

function fakeStream(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY: boolean; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 160;
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const batch = (n: number) => ({
  epoch: 1,
  epochs: 2,
  batch: n,
  batchesPerEpoch: 10,
  loss: 1.2345,
  accuracy: 0.5,
  samplesPerSecond: 321.4,
  etaSeconds: 75,
});
const epoch = {
  epoch: 1,
  epochs: 2,
  loss: 1.1,
  accuracy: 0.55,
  samplesPerSecond: 300,
  seconds: 4.2,
  etaSeconds: 4,
};
const record = {
  epoch: 1,
  loss: 1.1,
  accuracy: 0.55,
  valLoss: 0.9,
  valAccuracy: 0.7,
  seconds: 4.2,
};

describe('TrainingProgress', () => {
  it('draws a progress bar on a terminal, then one line per finished epoch', () => {
    const { stream, text } = fakeStream(true);
    const progress = new TrainingProgress(stream);
    progress.phase('training');
    progress.batch(batch(3));
    progress.batch(batch(7));
    progress.epoch(epoch, record);
    progress.stop();
    expect(text()).toMatch(
      /epoch 1\/2 \[.+\] \d+\/10 batches \| loss 1\.2345 acc 50\.0% \| 321 samples\/s \| ETA 1m15s/,
    );
    expect(text()).toContain(
      'epoch 1/2: loss 1.1000 acc 55.00% | val loss 0.9000 val acc 70.00% | 4.2 s',
    );
  });

  it('writes plain lines only when not on a terminal (no bar, no escape codes)', () => {
    const { stream, text } = fakeStream(false);
    const progress = new TrainingProgress(stream);
    progress.phase('loading');
    progress.log('data: 10 train rows');
    progress.batch(batch(3));
    progress.epoch(epoch, record);
    progress.stop();
    expect(text()).toBe(
      '· loading AG News\n  data: 10 train rows\n  epoch 1/2: loss 1.1000 acc 55.00% | val loss 0.9000 val acc 70.00% | 4.2 s\n',
    );
  });

  it('formats durations for people', () => {
    expect(formatSeconds(42)).toBe('42s');
    expect(formatSeconds(75)).toBe('1m15s');
    expect(formatSeconds(3 * 3600 + 5 * 60)).toBe('3h05m');
    expect(formatSeconds(Number.NaN)).toBe('-');
  });
});
