import { describe, expect, it } from 'vitest';
import { hardSigmoid, sigmoid, tanh } from '../src/activations.js';

describe('gate functions', () => {
  it('tanh and sigmoid stay within 3e-7 of the exact functions, ±1 and 0/1 far out', () => {
    let worstTanh = 0;
    let worstSigmoid = 0;
    for (let x = -20; x <= 20; x += 0.0013) {
      worstTanh = Math.max(worstTanh, Math.abs(tanh(x) - Math.tanh(x)));
      worstSigmoid = Math.max(worstSigmoid, Math.abs(sigmoid(x) - 1 / (1 + Math.exp(-x))));
    }
    expect(worstTanh).toBeLessThan(3e-7);
    expect(worstSigmoid).toBeLessThan(3e-7);
    expect(tanh(0)).toBe(0);
    expect(tanh(1e-9)).toBeCloseTo(1e-9, 15);
    expect(tanh(50)).toBe(1);
    expect(tanh(-50)).toBe(-1);
  });

  it('hardSigmoid is tfjs-layers’ clip(0.2·x + 0.5, 0, 1)', () => {
    expect([-3, -2.5, 0, 1, 2.5, 3].map(hardSigmoid)).toEqual([0, 0, 0.5, 0.7, 1, 1]);
  });
});
