import { describe, expect, it } from 'vitest';
import {
  countedLoop,
  F32,
  FunctionBuilder,
  f32x4,
  get,
  I32,
  i32,
  kernelModule,
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
      i32.const(0),
      set(at),
      countedLoop(at, get(2), 16, [
        ...get(1),
        ...get(at),
        ...i32.add,
        ...get(0),
        ...get(at),
        ...i32.add,
        ...v128.load(),
        ...v128.constF32x4(2),
        ...f32x4.mul,
        ...v128.constF32x4(0.5),
        ...f32x4.add,
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

  it('defines and exports its own memory, or none: no import to satisfy', () => {
    const fn = new FunctionBuilder([I32]);
    fn.emit(get(0), v128.constF32x4(1, 2, 3, 4), v128.store());
    const api = webAssembly();
    if (api === undefined) throw new Error('no WebAssembly');
    const own = kernelModule(new Map([['fill', fn]]), { pages: 3, export: 'memory' });
    const { exports } = new api.Instance(new api.Module(own), {});
    const buffer = (exports.memory as { buffer: ArrayBuffer }).buffer;
    expect(buffer.byteLength).toBe(3 * 65536);
    (exports.fill as (at: number) => void)(65536 * 3 - 16);
    expect(Array.from(new Float32Array(buffer, 65536 * 3 - 16))).toEqual([1, 2, 3, 4]);
    const hidden = kernelModule(new Map([['fill', fn]]), { pages: 1 });
    expect(Object.keys(new api.Instance(new api.Module(hidden), {}).exports)).toEqual(['fill']);
  });

  it('imports its memory under any name', () => {
    const fn = new FunctionBuilder([I32]);
    fn.emit(get(0), v128.constF32x4(5), v128.store());
    const api = webAssembly();
    if (api === undefined) throw new Error('no WebAssembly');
    const bytes = kernelModule(new Map([['fill', fn]]), { import: ['heap', 'floats'] });
    const memory = new api.Memory({ initial: 1 });
    const { exports } = new api.Instance(new api.Module(bytes), { heap: { floats: memory } });
    (exports.fill as (at: number) => void)(32);
    expect(Array.from(new Float32Array(memory.buffer, 32, 4))).toEqual([5, 5, 5, 5]);
    expect(() => new api.Instance(new api.Module(bytes), { env: { memory } })).toThrow();
  });
});
