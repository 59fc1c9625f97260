import { describe, expect, it } from 'vitest';
import {
  f32Bytes,
  MODULE_HEADER,
  name,
  section,
  sleb,
  uleb,
  vec,
  webAssembly,
} from '../src/index.js';

describe('WebAssembly binary encodings', () => {
  it('writes LEB128 as the spec’s examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('writes floats, vectors, names and sections', () => {
    expect(f32Bytes(1)).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(vec([[1, 2], [3]])).toEqual([2, 1, 2, 3]);
    expect(name('né')).toEqual([3, 0x6e, 0xc3, 0xa9]);
    expect(section(7, new Array(200).fill(0)).slice(0, 3)).toEqual([7, 0xc8, 0x01]);
  });

  it('builds a module the runtime accepts and runs', () => {
    const api = webAssembly();
    expect(api).toBeDefined();
    // (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    const bytes = Uint8Array.from([
      ...MODULE_HEADER,
      ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]),
      ...section(3, [1, 0]),
      ...section(7, [1, ...name('add'), 0, 0]),
      ...section(10, vec([[7, 0, 0x20, 0, 0x20, 1, 0x6a, 0x0b]])),
    ]);
    expect(api?.validate(bytes)).toBe(true);
    const instance = new (api as NonNullable<typeof api>).Instance(
      new (api as NonNullable<typeof api>).Module(bytes),
      {},
    );
    expect((instance.exports.add as (a: number, b: number) => number)(2, 40)).toBe(42);
  });
});
