/**
 * Instructions and function bodies, for kernels longer than a dozen lines: named opcodes instead
 * of bare bytes, locals handed out by a builder, counted loops, and a module that imports one
 * memory (tfjs-backend-wasm's heap) and exports its functions.
 */
import { f32, MODULE_HEADER, name, section, sleb, uleb } from './encoding.js';

export type Code = readonly number[];

/** `local.get` / `local.set` / `local.tee`. */
export const get = (local: number): Code => [0x20, ...uleb(local)];
export const set = (local: number): Code => [0x21, ...uleb(local)];
export const tee = (local: number): Code => [0x22, ...uleb(local)];
export const i32Const = (value: number): Code => [0x41, ...sleb(value)];
export const f32Const = (value: number): Code => [0x43, ...f32(value)];

/** Scalar f32 instructions the kernels use. */
export const f32x1 = {
  add: [0x92],
} as const;

/** Scalar i32 instructions the kernels use. */
export const i32 = {
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  geU: [0x4f],
  ltU: [0x49],
  /** `i32.load` with a 4-byte alignment hint and a constant byte offset. */
  load: (offset = 0): Code => [0x28, 0x02, ...uleb(offset)],
} as const;

const simd = (op: number, ...immediates: number[]): Code => [0xfd, ...uleb(op), ...immediates];

/** v128 and f32x4 instructions (the WebAssembly SIMD proposal, now standard). */
export const v128 = {
  /** Load / store 16 bytes at the address on the stack plus a constant offset (4-byte aligned). */
  load: (offset = 0): Code => simd(0x00, 0x02, ...uleb(offset)),
  store: (offset = 0): Code => simd(0x0b, 0x02, ...uleb(offset)),
  /** `v128.const` with the same float in all four lanes. */
  f32x4: (value: number): Code =>
    simd(0x0c, ...f32(value), ...f32(value), ...f32(value), ...f32(value)),
  bitselect: simd(0x52),
  /** `f32x4.extract_lane`: lane 0–3 as an f32. */
  extractLane: (lane: number): Code => simd(0x1f, lane),
  splat: simd(0x13),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  min: simd(0xe8),
  max: simd(0xe9),
  neg: simd(0xe1),
  /** Lane masks: all ones where the comparison holds. */
  gt: simd(0x44),
  lt: simd(0x43),
} as const;

/** `block` … `loop` … `end end` running `body` while `counter < limit`, adding `step` each turn. */
export function countedLoop(counter: number, limit: Code, step: number, body: Code): Code {
  return [
    0x02,
    0x40,
    0x03,
    0x40,
    ...get(counter),
    ...limit,
    ...i32.geU,
    0x0d,
    0x01, // br_if out of the block
    ...body,
    ...get(counter),
    ...i32Const(step),
    ...i32.add,
    ...set(counter),
    0x0c,
    0x00, // br to the loop's start
    0x0b,
    0x0b,
  ];
}

/** One function: its parameters and results, then locals handed out as needed, then the code. */
export class FunctionBuilder {
  readonly params: readonly number[];
  readonly results: readonly number[];
  private readonly locals: number[] = [];
  private readonly code: number[] = [];

  constructor(params: readonly number[], results: readonly number[] = []) {
    this.params = params;
    this.results = results;
  }

  /** A new local of `type`; its index. */
  local(type: number): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  emit(...pieces: Code[]): this {
    for (const piece of pieces) this.code.push(...piece);
    return this;
  }

  /** The body as the code section holds it: size, local declarations (runs of one type), code, `end`. */
  encode(): number[] {
    const runs: number[][] = [];
    for (const type of this.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === type) last[0] = (last[0] as number) + 1;
      else runs.push([1, type]);
    }
    const declarations = [
      ...uleb(runs.length),
      ...runs.flatMap(([count, type]) => [...uleb(count as number), type as number]),
    ];
    const body = [...declarations, ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/**
 * A module importing `env.memory` and exporting each function under its name.
 * Every function gets its own type entry: they are few.
 */
export function memoryKernelModule(functions: ReadonlyMap<string, FunctionBuilder>): Uint8Array {
  const list = [...functions];
  const types = list.map(([, fn]) => [
    0x60,
    ...uleb(fn.params.length),
    ...fn.params,
    ...uleb(fn.results.length),
    ...fn.results,
  ]);
  const imports = [0x01, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00];
  const exportsSection = list.map(([exported], i) => [...name(exported), 0x00, ...uleb(i)]);
  return Uint8Array.from([
    ...MODULE_HEADER,
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(2, imports),
    ...section(3, [...uleb(list.length), ...list.flatMap((_, i) => uleb(i))]),
    ...section(7, [...uleb(list.length), ...exportsSection.flat()]),
    ...section(10, [...uleb(list.length), ...list.flatMap(([, fn]) => fn.encode())]),
  ]);
}
