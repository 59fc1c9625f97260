import { describe, expect, it } from 'vitest';
import { FusedRecurrent } from '../../src/fused/fused-recurrent-layer.js';
import type { FusedCell } from '../../src/fused/fused-recurrent-op.js';
import { useStepKernels } from '../../src/fused/heap-state.js';
import { tf, tfl } from '../../src/tfjs.js';
import { useBackend } from '../helpers.js';

interface Case {
  batch: number;
  time: number;
  features: number;
  units: number;
  returnSequences: boolean;
  goBackwards: boolean;
  bidirectional: boolean;
  /** Real-token lengths per row, pre-padded (`pre`) or post-padded; none = no mask. */
  lengths?: number[];
  padding?: 'pre' | 'post';
  recurrentActivation?: 'hardSigmoid' | 'sigmoid';
}

const CASES: Case[] = [
  {
    batch: 3,
    time: 5,
    features: 4,
    units: 3,
    returnSequences: false,
    goBackwards: false,
    bidirectional: false,
  },
  {
    batch: 2,
    time: 6,
    features: 3,
    units: 5,
    returnSequences: true,
    goBackwards: true,
    bidirectional: false,
    lengths: [6, 2],
    padding: 'pre',
  },
  {
    batch: 4,
    time: 7,
    features: 2,
    units: 4,
    returnSequences: true,
    goBackwards: false,
    bidirectional: false,
    lengths: [7, 3, 0, 1],
    padding: 'post',
    recurrentActivation: 'sigmoid',
  },
  {
    batch: 3,
    time: 6,
    features: 5,
    units: 3,
    returnSequences: false,
    goBackwards: true,
    bidirectional: false,
    lengths: [4, 6, 1],
    padding: 'pre',
  },
  {
    batch: 3,
    time: 5,
    features: 4,
    units: 2,
    returnSequences: true,
    goBackwards: false,
    bidirectional: true,
    lengths: [5, 2, 3],
    padding: 'pre',
  },
  {
    batch: 2,
    time: 4,
    features: 3,
    units: 3,
    returnSequences: false,
    goBackwards: false,
    bidirectional: true,
    lengths: [1, 4],
    padding: 'pre',
  },
  // Widths that are a multiple of 4 take the wasm SIMD kernels where they exist (LSTM).
  {
    batch: 4,
    time: 6,
    features: 3,
    units: 8,
    returnSequences: false,
    goBackwards: false,
    bidirectional: true,
    lengths: [6, 1, 4, 0],
    padding: 'pre',
  },
  {
    batch: 3,
    time: 5,
    features: 4,
    units: 4,
    returnSequences: false,
    goBackwards: true,
    bidirectional: false,
    recurrentActivation: 'sigmoid',
  },
];

let seed = 7;
function noise(shape: number[], scale = 1): tf.Tensor {
  seed++;
  return tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale);
}

function maskOf(c: Case): tf.Tensor | null {
  if (c.lengths === undefined) return null;
  const values: number[] = [];
  for (const length of c.lengths) {
    for (let t = 0; t < c.time; t++) {
      const real = c.padding === 'pre' ? t >= c.time - length : t < length;
      values.push(real ? 1 : 0);
    }
  }
  return tf.cast(tf.tensor2d(values, [c.batch, c.time]), 'bool');
}

function reference(cell: FusedCell, c: Case) {
  const args = {
    units: c.units,
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    ...(c.recurrentActivation === undefined ? {} : { recurrentActivation: c.recurrentActivation }),
  };
  const layer =
    cell === 'lstm'
      ? tfl.layers.lstm(args)
      : cell === 'gru'
        ? tfl.layers.gru(args)
        : tfl.layers.simpleRNN(args);
  return c.bidirectional ? tfl.layers.bidirectional({ layer, mergeMode: 'concat' }) : layer;
}

function fused(cell: FusedCell, c: Case) {
  const layer = new FusedRecurrent({
    cell,
    units: c.units,
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    ...(c.recurrentActivation === undefined ? {} : { recurrentActivation: c.recurrentActivation }),
  });
  return c.bidirectional
    ? tfl.layers.bidirectional({ layer: layer as unknown as tfl.RNN, mergeMode: 'concat' })
    : layer;
}

/** Output and the gradient of a random projection of it w.r.t. the input and every weight. */
function outputAndGrads(
  layer: ReturnType<typeof reference> | ReturnType<typeof fused>,
  x: tf.Variable,
  mask: tf.Tensor | null,
  projection: tf.Tensor,
) {
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const call = () => layer.apply(x, mask === null ? {} : { mask }) as tf.Tensor;
  const output = tf.tidy(call);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(call(), projection)),
    [x, ...weights],
  );
  const result = {
    output: Array.from(output.dataSync()),
    grads: [x, ...weights].map((v) => ({
      name: v.name,
      values: Array.from(grads[v.name]?.dataSync() ?? []),
    })),
  };
  tf.dispose([output, value, ...Object.values(grads)]);
  return result;
}

function expectClose(actual: number[], expected: number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  expect(worst / scale, `${what}: max |difference| ${worst}`).toBeLessThan(2e-5);
}

describe.each(['cpu', 'wasm'] as const)('FusedRecurrent equals tfjs-layers on %s', (backend) => {
  describe.each(['rnn', 'lstm', 'gru'] as const)('%s', (cell) => {
    it.each(CASES.map((c, i) => [i, c] as const))(
      'case %i: output and every gradient',
      async (_i, c) => {
        await useBackend(backend);
        const ref = reference(cell, c);
        const ours = fused(cell, c);
        const x = tf.variable(noise([c.batch, c.time, c.features]));
        const mask = maskOf(c);
        ref.apply(x, mask === null ? {} : { mask }); // builds the weights
        ours.apply(x, mask === null ? {} : { mask });
        // Random biases too: both initialise them to zero, which would hide a bias mistake.
        const weights = ref
          .getWeights()
          .map((w, i) => (w.rank === 1 ? noise(w.shape, 0.5) : tf.mul(w, 1 + i * 0.1)));
        ref.setWeights(weights);
        ours.setWeights(weights);
        const outShape = ref.computeOutputShape([c.batch, c.time, c.features]) as number[];
        const projection = noise(outShape);
        const expected = outputAndGrads(ref, x, mask, projection);
        const actual = outputAndGrads(ours, x, mask, projection);
        expectClose(actual.output, expected.output, 'output');
        expect(actual.grads.length).toBe(expected.grads.length);
        expected.grads.forEach((g, k) => {
          expect(
            g.values.some((v) => v !== 0),
            `${g.name} gradient is not all zero`,
          ).toBe(true);
          expectClose(actual.grads[k]?.values ?? [], g.values, `gradient of ${g.name}`);
        });
        // Again with another projection: on wasm this reuses the pooled arrays of the first
        // backward pass, stale values and all (see float-pool.ts).
        const projection2 = noise(outShape);
        const expected2 = outputAndGrads(ref, x, mask, projection2);
        const actual2 = outputAndGrads(ours, x, mask, projection2);
        for (const [k, g] of expected2.grads.entries()) {
          expectClose(actual2.grads[k]?.values ?? [], g.values, `second gradient of ${g.name}`);
        }
        tf.dispose([x, projection, projection2, ...weights, ...(mask === null ? [] : [mask])]);
        ref.dispose();
        ours.dispose();
      },
    );
  });
});

describe('a batch of nothing but padding', () => {
  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: zeros out, zero gradients, as tfjs-layers',
    async (cell) => {
      await useBackend('wasm');
      const c: Case = {
        batch: 2,
        time: 3,
        features: 2,
        units: 3,
        returnSequences: false,
        goBackwards: false,
        bidirectional: false,
        lengths: [0, 0],
        padding: 'pre',
      };
      const ref = reference(cell, c);
      const ours = fused(cell, c);
      const x = tf.variable(noise([c.batch, c.time, c.features]));
      const mask = maskOf(c);
      ref.apply(x, { mask });
      ours.apply(x, { mask });
      ours.setWeights(ref.getWeights());
      const projection = noise([c.batch, c.units]);
      const expected = outputAndGrads(ref, x, mask, projection);
      const actual = outputAndGrads(ours, x, mask, projection);
      expect(actual.output).toEqual(expected.output);
      expect(actual.output.every((v) => v === 0)).toBe(true);
      for (const [k, g] of expected.grads.entries()) {
        expectClose(actual.grads[k]?.values ?? [], g.values, `gradient of ${g.name}`);
      }
      tf.dispose([x, projection, ...(mask === null ? [] : [mask])]);
      ref.dispose();
      ours.dispose();
    },
  );
});

describe('on wasm, the SIMD step kernels and the JavaScript step loops', () => {
  // Widths that are a multiple of 4 take the kernels; both paths, same layer, same weights.
  const kernelCases = CASES.filter((c) => c.units % 4 === 0);
  it.each(['rnn', 'lstm', 'gru'] as const)('%s: same output and gradients', async (cell) => {
    await useBackend('wasm');
    expect(kernelCases.length).toBeGreaterThan(1);
    for (const c of kernelCases) {
      const layer = fused(cell, c);
      const x = tf.variable(noise([c.batch, c.time, c.features]));
      const mask = maskOf(c);
      layer.apply(x, mask === null ? {} : { mask });
      const projection = noise(layer.computeOutputShape([c.batch, c.time, c.features]) as number[]);
      const before = tf.memory().numTensors;
      let loops: ReturnType<typeof outputAndGrads>;
      try {
        useStepKernels(false);
        loops = outputAndGrads(layer, x, mask, projection);
      } finally {
        useStepKernels(true);
      }
      const kernels = outputAndGrads(layer, x, mask, projection);
      expect(tf.memory().numTensors - before, 'tensors left behind').toBeLessThanOrEqual(0);
      expectClose(kernels.output, loops.output, 'output');
      for (const [k, g] of loops.grads.entries()) {
        expectClose(kernels.grads[k]?.values ?? [], g.values, `gradient of ${g.name}`);
      }
      tf.dispose([x, projection, ...(mask === null ? [] : [mask])]);
      layer.dispose();
    }
  });
});
