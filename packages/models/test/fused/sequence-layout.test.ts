import { describe, expect, it } from 'vitest';
import {
  activeRows,
  hardSigmoid,
  sequenceLayout,
  sigmoid,
  tanh,
  timeAt,
} from '../../src/fused/sequence-layout.js';

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

describe('sequenceLayout', () => {
  it('gives rows to real tokens only, step by step in processing order, backwards when asked', () => {
    // Two texts of four steps: pre-padded "_ _ a b" and full "c d e f".
    const active = Uint8Array.from([0, 0, 1, 1, 1, 1, 1, 1]);
    const layout = sequenceLayout(2, 4, 3, true, active);
    expect(layout.rows).toBe(6);
    // Step 0 reads time 3 (both texts), step 1 time 2 (both), steps 2 and 3 only "c d e f".
    expect(Array.from(layout.rowOf)).toEqual([-1, -1, 2, 0, 5, 4, 3, 1]);
    expect(Array.from(layout.positions)).toEqual([3, 7, 2, 6, 5, 4]);
    expect(Array.from(layout.stepStart)).toEqual([0, 2, 4, 5, 6]);
    expect([0, 1, 2, 3].map((s) => timeAt(layout, s))).toEqual([3, 2, 1, 0]);
    const rows = new Int32Array(2);
    expect(activeRows(layout, 0, rows)).toBe(1);
    expect(rows[0]).toBe(1);
    expect(activeRows(layout, 3, rows)).toBe(2);
    const unmasked = sequenceLayout(2, 4, 3, false, null);
    expect(unmasked.rows).toBe(8);
    expect(Array.from(unmasked.rowOf)).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    expect(Array.from(unmasked.stepStart)).toEqual([0, 2, 4, 6, 8]);
  });
});
