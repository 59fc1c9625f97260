import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAM_UPDATE, FusedAdamOptimizer } from '../src/fused-adam.js';
import { tf } from '../src/tfjs.js';
import { useBackend } from './helpers.js';

/** Sizes that leave 0, 1, 2 and 3 elements after the four-lane loop. */
const SHAPES: number[][] = [[37, 5], [11], [3, 2, 4], [2, 3]];

/**
 * Runs `steps` Adam steps on four variables with gradients that change every step (sizes
 * 10⁻¹…10¹); every third step passes them as a name → tensor map instead of a list.
 */
function run(optimizer: Optimizer, steps: number, start: Float32Array[] | null = null) {
  const variables = SHAPES.map((shape, k) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const init = start?.[k] ?? Float32Array.from({ length: size }, (_, i) => Math.sin(i + k) * 0.5);
    const initial = tf.tensor(init, shape);
    const variable = tf.variable(initial, true, `w${k}-${Math.random()}`);
    initial.dispose();
    return variable;
  });
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const grads = variables.map((v, k) => ({
        name: v.name,
        tensor: tf.tensor(
          Float32Array.from(
            { length: v.size },
            (_, i) => Math.cos(i * 0.3 + s * 1.7 + k) * (k + 1) * 10 ** ((s % 3) - 1),
          ),
          v.shape,
        ),
      }));
      optimizer.applyGradients(
        s % 3 === 2 ? Object.fromEntries(grads.map((g) => [g.name, g.tensor])) : grads,
      );
    });
  }
  return { variables, values: variables.map((v) => Float32Array.from(v.dataSync())) };
}

async function stateOf(optimizer: Optimizer) {
  const named = await optimizer.getWeights();
  const result = named.map((w) => ({
    name: w.name.replace(/^w\d-[\d.]+/, 'w'),
    values: Array.from(w.tensor.dataSync()),
  }));
  named[0]?.tensor.dispose(); // the iteration count is a new scalar; the rest are the optimizer's own
  return result;
}

describe('FusedAdamOptimizer', () => {
  afterAll(async () => {
    await useBackend('wasm');
  });

  it('gives tf.train.adam’s variables and state bit for bit on wasm, through its SIMD kernel', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const stock = tf.train.adam(0.01);
    const fused = new FusedAdamOptimizer(0.01);
    expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeDefined();
    const a = run(stock, 7);
    const b = run(fused, 7);
    for (const [k, values] of a.values.entries()) expect(b.values[k]).toEqual(values);
    // Not a vacuous comparison: the variables moved.
    expect(Math.abs((a.values[0]?.[1] ?? 0) - Math.sin(1) * 0.5)).toBeGreaterThan(1e-3);
    expect(await stateOf(fused)).toEqual(await stateOf(stock));
    tf.dispose([...a.variables, ...b.variables] as Tensor[]);
    stock.dispose();
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the tensor count flat across steps', async () => {
    await useBackend('wasm');
    const optimizer = new FusedAdamOptimizer(0.001);
    const { variables } = run(optimizer, 1);
    const after1 = tf.memory().numTensors;
    tf.tidy(() =>
      optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }))),
    );
    expect(tf.memory().numTensors).toBe(after1);
    tf.dispose(variables as Variable[]);
    optimizer.dispose();
  });

  it('continues from a stock Adam’s saved state exactly as the stock Adam does', async () => {
    await useBackend('wasm');
    const stock = tf.train.adam(0.02);
    const first = run(stock, 3);
    const saved = await stock.getWeights();
    const copy = () => saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    const fused = new FusedAdamOptimizer(0.02);
    await fused.setWeights(copy());
    const stockAgain = tf.train.adam(0.02);
    await stockAgain.setWeights(copy());
    const x = run(fused, 3, first.values);
    const y = run(stockAgain, 3, first.values);
    for (const [k, values] of y.values.entries()) expect(x.values[k]).toEqual(values);
    tf.dispose([...first.variables, ...x.variables, ...y.variables] as Tensor[]);
    for (const o of [stock, fused, stockAgain]) o.dispose();
  });

  it('is tfjs’s own update on a backend without the kernel (cpu)', async () => {
    await useBackend('cpu');
    expect(tf.getKernel(ADAM_UPDATE, 'cpu')).toBeUndefined();
    const a = run(tf.train.adam(0.05), 4);
    const b = run(new FusedAdamOptimizer(0.05), 4);
    for (const [k, values] of a.values.entries()) expect(b.values[k]).toEqual(values);
  });
});
