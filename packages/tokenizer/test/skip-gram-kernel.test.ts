import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createSkipGramKernel,
  type SkipGramKernel,
  wasmSimdAvailable,
} from '../src/skip-gram-kernel.js';

function fill(kernel: SkipGramKernel, rows: number, dim: number): void {
  let seed = 12345;
  const next = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  for (let row = 0; row < rows; row++) {
    for (let k = 0; k < dim; k++) {
      kernel.floats[(kernel.syn0 >> 2) + row * kernel.stride + k] = next();
      kernel.floats[(kernel.syn1 >> 2) + row * kernel.stride + k] = next() * 3;
    }
  }
}

function train(kernel: SkipGramKernel, rows: number): void {
  const rowBytes = kernel.stride * 4;
  for (let step = 0; step < 200; step++) {
    kernel.targets[0] = kernel.syn1 + (step % rows) * rowBytes;
    kernel.targets[1] = kernel.syn1 + ((step * 7 + 1) % rows) * rowBytes;
    kernel.targets[2] = kernel.syn1 + ((step * 3 + 2) % rows) * rowBytes;
    kernel.pair(kernel.syn0 + ((step * 11) % rows) * rowBytes, 3, 0.05);
  }
}

describe('skip-gram kernels', () => {
  it('runs WebAssembly SIMD on this Node', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('refuses a layout beyond 4 GiB with the sizes named', () => {
    expect(() => createSkipGramKernel('wasm-simd', 2_000_000, 300, 5)).toThrow(
      /needs 4\.5 GiB for 2000000 rows × 300 dims; the limit is 4 GiB/,
    );
  });

  it('wasm-simd and js kernels compute the same updates; padding lanes stay zero', () => {
    const rows = 13;
    const dim = 10; // stride 16: six padding lanes per row
    const kernels = (['wasm-simd', 'js'] as const).map((kind) =>
      createSkipGramKernel(kind, rows, dim, 2),
    );
    for (const kernel of kernels) {
      fill(kernel, rows, dim);
      train(kernel, rows);
    }
    const [wasm, js] = kernels as [SkipGramKernel, SkipGramKernel];
    expect(wasm.stride).toBe(16);
    let maxDifference = 0;
    let changed = 0;
    const fresh = createSkipGramKernel('js', rows, dim, 2);
    fill(fresh, rows, dim);
    for (let i = wasm.syn0 >> 2; i < (wasm.syn1 >> 2) + rows * wasm.stride; i++) {
      maxDifference = Math.max(
        maxDifference,
        Math.abs((wasm.floats[i] as number) - (js.floats[i] as number)),
      );
      if (wasm.floats[i] !== fresh.floats[i]) changed++;
    }
    expect(changed).toBeGreaterThan(rows * dim);
    expect(maxDifference).toBeLessThan(1e-4);
    for (const kernel of kernels) {
      for (let row = 0; row < rows; row++) {
        for (const base of [kernel.syn0 >> 2, kernel.syn1 >> 2]) {
          for (let lane = dim; lane < kernel.stride; lane++) {
            expect(kernel.floats[base + row * kernel.stride + lane]).toBe(0);
          }
        }
      }
    }
  });

  // The kernel's memory after fixed training, as SHA-256 of its bytes, recorded from the kernel
  // as it was before it moved onto @newscell/wasm-bytes' builder (commit bb7d5f7): the port must
  // not change one bit. The second layout's values are large enough for the ±MAX_EXP clamps.
  it.each([
    [13, 10, 2, 1, '5bab4fc2102b1dba1839ea7c96c3b80b077498266c8022b6ed634119064a4e53'],
    [29, 32, 5, 30, '075df142575ca88b42d7941338d25f50f3ba1e1b6ea1cb7364ce0be2ce12efe1'],
    [11, 100, 3, 2, 'd20601f1d8a50844c77d2a03eb329ea323f9a22aec9696bc9d120e926e907590'],
  ])(
    'wasm-simd, %i rows × %i dims, %i negatives, scale %i: the same bits as before the port',
    (rows, dim, negatives, scale, sha256) => {
      const kernel = createSkipGramKernel('wasm-simd', rows, dim, negatives);
      let seed = 12345;
      const next = () => {
        seed = (seed * 16807) % 2147483647;
        return seed / 2147483647 - 0.5;
      };
      for (let row = 0; row < rows; row++) {
        for (let k = 0; k < dim; k++) {
          kernel.floats[(kernel.syn0 >> 2) + row * kernel.stride + k] = next() * scale;
          kernel.floats[(kernel.syn1 >> 2) + row * kernel.stride + k] = next() * 3 * scale;
        }
      }
      const rowBytes = kernel.stride * 4;
      for (let step = 0; step < 300; step++) {
        for (let t = 0; t <= negatives; t++) {
          kernel.targets[t] = kernel.syn1 + ((step * (2 * t + 1) + t) % rows) * rowBytes;
        }
        const alpha = 0.05 * (1 + (step % 3));
        kernel.pair(kernel.syn0 + ((step * 11) % rows) * rowBytes, negatives + 1, alpha);
      }
      const { buffer, byteOffset, byteLength } = kernel.floats;
      const bytes = Buffer.from(buffer, byteOffset, byteLength);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    },
  );
});
