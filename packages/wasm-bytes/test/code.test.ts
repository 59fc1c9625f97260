import { describe, expect, it } from 'vitest';
import {
  countedLoop,
  F32,
  FunctionBuilder,
  get,
  I32,
  i32,
  i32Const,
  memoryKernelModule,
  set,
  V128,
  v128,
  webAssembly,
} from '../src/index.js';

describe('function builder and kernel modules', () => {
  it('declares locals as runs of one type after the parameters', () => {
    const fn = new FunctionBuilder([I32, I32]);
    expect([fn.local(I32), fn.local(I32), fn.local(V128), fn.local(F32)]).toEqual([2, 3, 4, 5]);
    // size, 3 runs: (2 × i32) (1 × v128) (1 × f32), then `end`
    expect(fn.encode()).toEqual([8, 3, 2, I32, 1, V128, 1, F32, 0x0b]);
  });

  it('runs a counted SIMD loop over an imported memory', () => {
    // scale(from, to, bytes): to[i] = from[i] · 2 + 0.5, four floats per turn.
    const fn = new FunctionBuilder([I32, I32, I32]);
    const at = fn.local(I32);
    fn.emit(
      i32Const(0),
      set(at),
      countedLoop(at, get(2), 16, [
        ...get(1),
        ...get(at),
        ...i32.add,
        ...get(0),
        ...get(at),
        ...i32.add,
        ...v128.load(),
        ...v128.f32x4(2),
        ...v128.mul,
        ...v128.f32x4(0.5),
        ...v128.add,
        ...v128.store(),
      ]),
    );
    const bytes = memoryKernelModule(new Map([['scale', fn]]));
    const api = webAssembly();
    if (api === undefined) throw new Error('no WebAssembly');
    const wasm = api;
    expect(api.validate(bytes)).toBe(true);
    const memory = new wasm.Memory({ initial: 1 });
    const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
    const floats = new Float32Array(memory.buffer);
    floats.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
    (instance.exports.scale as (a: number, b: number, c: number) => void)(0, 64, 32);
    expect(Array.from(floats.subarray(16, 24))).toEqual([
      2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5, 16.5,
    ]);
    expect(floats[24]).toBe(0); // stops at the byte count
  });
});
