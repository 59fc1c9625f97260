/**
 * Instructions and function bodies: named instructions instead of bare bytes, locals handed out
 * by a builder, counted loops, and a module that either imports one memory (tfjs-backend-wasm's
 * heap) or defines its own, and exports its functions. Every kernel of newscell is written with
 * these; `test/instructions.test.ts` runs each instruction against JavaScript's arithmetic.
 *
 * Namespaces follow the WebAssembly text format: `i32.add`, `f32.le`, `v128.load`,
 * `f32x4.mul`. `v128` holds what works on the 128 bits as bits (load, store, const, bitselect);
 * `f32x4` what treats them as four float32 lanes.
 */
import { f32Bytes, MODULE_HEADER, name, section, sleb, uleb } from './encoding.js';

export type Code = readonly number[];

/** `local.get` / `local.set` / `local.tee`. */
export const get = (local: number): Code => [0x20, ...uleb(local)];
export const set = (local: number): Code => [0x21, ...uleb(local)];
export const tee = (local: number): Code => [0x22, ...uleb(local)];

/** A memory access's immediates: the alignment hint (log2 bytes) and a constant byte offset. */
const memarg = (align: number, offset: number): Code => [align, ...uleb(offset)];

/** i32 instructions. Comparisons leave 1 or 0. */
export const i32 = {
  const: (value: number): Code => [0x41, ...sleb(value)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  eqz: [0x45],
  geU: [0x4f],
  ltU: [0x49],
  /** `i32.load` at the address on the stack plus `offset` (4-byte alignment hint). */
  load: (offset = 0): Code => [0x28, ...memarg(2, offset)],
  /**
   * `i32.trunc_sat_f32_s`: toward zero, saturating, NaN → 0. The kernels use it where a NaN from
   * diverged training must not trap (the callers report it).
   */
  truncSatF32S: [0xfc, 0x00],
} as const;

/** Scalar f32 instructions. Comparisons leave an i32 1 or 0. */
export const f32 = {
  const: (value: number): Code => [0x43, ...f32Bytes(value)],
  add: [0x92],
  sub: [0x93],
  mul: [0x94],
  le: [0x5f],
  ge: [0x60],
  /** `f32.load` at the address on the stack plus `offset` (4-byte alignment hint). */
  load: (offset = 0): Code => [0x2a, ...memarg(2, offset)],
} as const;

const simd = (op: number, ...immediates: number[]): Code => [0xfd, ...uleb(op), ...immediates];

/** v128 instructions: the 128 bits as bits (the SIMD proposal, now standard). */
export const v128 = {
  /** Load / store 16 bytes at the address on the stack plus a constant offset (4-byte hint). */
  load: (offset = 0): Code => simd(0x00, ...memarg(2, offset)),
  store: (offset = 0): Code => simd(0x0b, ...memarg(2, offset)),
  /** `v128.const` of four float32 lanes, lane 0 first; one value fills all four. */
  constF32x4: (...lanes: [number] | [number, number, number, number]): Code => {
    const four = lanes.length === 1 ? [lanes[0], lanes[0], lanes[0], lanes[0]] : lanes;
    return simd(0x0c, ...four.flatMap((lane) => f32Bytes(lane)));
  },
  /** `bitselect(a, b, mask)`: bits of `a` where the mask is 1, of `b` where it is 0. */
  bitselect: simd(0x52),
} as const;

/** f32x4 instructions: four float32 lanes, each IEEE float32 arithmetic like `f32`'s. */
export const f32x4 = {
  /** The f32 on the stack in all four lanes. */
  splat: simd(0x13),
  /** Lane 0–3 as an f32. */
  extractLane: (lane: number): Code => simd(0x1f, lane),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  min: simd(0xe8),
  max: simd(0xe9),
  neg: simd(0xe1),
  sqrt: simd(0xe3),
  /** Lane masks: all ones where the comparison holds. */
  gt: simd(0x44),
  lt: simd(0x43),
} as const;

/** `block` (no result) around `body`; `br`/`brIf` depth 0 inside leaves it. */
export const block = (body: Code): Code => [0x02, 0x40, ...body, 0x0b];
/** `loop` (no result) around `body`; `br`/`brIf` depth 0 inside starts it again. */
export const loop = (body: Code): Code => [0x03, 0x40, ...body, 0x0b];
/** Branch to the enclosing block/loop `depth` levels out (0 = innermost). */
export const br = (depth: number): Code => [0x0c, ...uleb(depth)];
/** Branch when the i32 on the stack is not zero. */
export const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
/** `if` … `else` … `end` (no result) on the i32 on the stack; no `else` when `otherwise` is empty. */
export const ifElse = (then: Code, otherwise: Code = []): Code => [
  0x04,
  0x40,
  ...then,
  ...(otherwise.length > 0 ? [0x05, ...otherwise] : []),
  0x0b,
];
/** `select`: of `a b cond` on the stack, `a` when `cond` is not zero, else `b`. */
export const select: Code = [0x1b];

/** `block` … `loop` … `end end` running `body` while `counter < limit`, adding `step` each turn. */
export function countedLoop(counter: number, limit: Code, step: number, body: Code): Code {
  return block(
    loop([
      ...get(counter),
      ...limit,
      ...i32.geU,
      ...brIf(1), // out of the block
      ...body,
      ...get(counter),
      ...i32.const(step),
      ...i32.add,
      ...set(counter),
      ...br(0), // to the loop's start
    ]),
  );
}

/**
 * `loop` … `end` running `body`, adding `step` to `counter`, and again while `counter < limit`
 * (unsigned): `body` runs at least once, for counts known to be positive, with one branch a turn
 * instead of `countedLoop`'s two.
 */
export function doWhileLoop(counter: number, limit: Code, step: number, body: Code): Code {
  return loop([
    ...body,
    ...get(counter),
    ...i32.const(step),
    ...i32.add,
    ...tee(counter),
    ...limit,
    ...i32.ltU,
    ...brIf(0),
  ]);
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

/** Where a module's linear memory comes from. */
export type ModuleMemory =
  /** Imported as `module.field` (tfjs-backend-wasm's heap is `env.memory`). */
  | { import: readonly [module: string, field: string] }
  /** Defined by the module with `pages` 64 KiB pages, exported as `export` when given. */
  | { pages: number; export?: string };

/**
 * A module with one memory (imported or its own) that exports each function under its name.
 * Every function gets its own type entry: they are few.
 */
export function kernelModule(
  functions: ReadonlyMap<string, FunctionBuilder>,
  memory: ModuleMemory,
): Uint8Array {
  const list = [...functions];
  const types = list.map(([, fn]) => [
    0x60,
    ...uleb(fn.params.length),
    ...fn.params,
    ...uleb(fn.results.length),
    ...fn.results,
  ]);
  const exported = list.map(([exportName], i) => [...name(exportName), 0x00, ...uleb(i)]);
  const sections = [
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...('import' in memory
      ? section(2, [0x01, ...name(memory.import[0]), ...name(memory.import[1]), 0x02, 0x00, 0x00])
      : []),
    ...section(3, [...uleb(list.length), ...list.flatMap((_, i) => uleb(i))]),
    ...('pages' in memory ? section(5, [0x01, 0x00, ...uleb(memory.pages)]) : []),
  ];
  if ('pages' in memory && memory.export !== undefined) {
    exported.unshift([...name(memory.export), 0x02, 0x00]);
  }
  return Uint8Array.from([
    ...MODULE_HEADER,
    ...sections,
    ...section(7, [...uleb(exported.length), ...exported.flat()]),
    ...section(10, [...uleb(list.length), ...list.flatMap(([, fn]) => fn.encode())]),
  ]);
}

/** A kernel module on tfjs-backend-wasm's heap: it imports `env.memory`. */
export function memoryKernelModule(functions: ReadonlyMap<string, FunctionBuilder>): Uint8Array {
  return kernelModule(functions, { import: ['env', 'memory'] });
}
