import { describe, expect, it } from 'vitest';
import { activeRows, sequenceLayout, timeAt } from '../../src/fused/sequence-layout.js';

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
