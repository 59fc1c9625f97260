/**
 * Every instruction helper of code.ts, executed: each builds a tiny module, runs it and checks
 * the result against JavaScript's arithmetic, on inputs where the neighbouring opcodes (signed
 * vs unsigned, `lt` vs `le`, `trunc_sat_s` vs `_u`, …) give another answer, so a wrong opcode
 * byte fails here rather than as a slightly wrong kernel.
 */
import { describe, expect, it } from 'vitest';
import {
  block,
  br,
  brIf,
  type Code,
  countedLoop,
  doWhileLoop,
  F32,
  FunctionBuilder,
  f32,
  f32x4,
  get,
  I32,
  i32,
  ifElse,
  kernelModule,
  loop,
  select,
  set,
  tee,
  V128,
  v128,
  webAssembly,
} from '../src/index.js';

type Run = (...args: number[]) => number;

/** The function `body` (params, result, extra locals) with a fresh one-page memory. */
function build(
  params: number[],
  results: number[],
  body: (fn: FunctionBuilder) => Code[],
): { run: Run; memory: ArrayBuffer } {
  const api = webAssembly();
  if (api === undefined) throw new Error('no WebAssembly');
  const fn = new FunctionBuilder(params, results);
  fn.emit(...body(fn));
  const bytes = kernelModule(new Map([['run', fn]]), { pages: 1, export: 'memory' });
  expect(api.validate(bytes)).toBe(true);
  const { exports } = new api.Instance(new api.Module(bytes), {});
  return {
    run: exports.run as Run,
    memory: (exports.memory as { buffer: ArrayBuffer }).buffer,
  };
}

const binary = (op: Code, type: number, result = type) =>
  build([type, type], [result], () => [get(0), get(1), op]).run;
const unary = (op: Code, type: number, result = type) =>
  build([type], [result], () => [get(0), op]).run;

const f = Math.fround;
const bits = (values: number[]) => Array.from(new Uint32Array(Float32Array.from(values).buffer));
/** i32 pairs where signed/unsigned, operand order and overflow matter. */
const I32_PAIRS = [
  [7, 3],
  [3, 7],
  [-5, 12],
  [-1, 1],
  [0x7fffffff, 2],
  [3, 3],
  [-(2 ** 31), -1],
] as const;
const F32_PAIRS = [
  [1.5, 0.25],
  [0.1, 0.2],
  [-3, 7],
  [1e30, 1e10],
  [2, 2],
] as const;

function checkI32(op: Code, reference: (a: number, b: number) => number): void {
  const run = binary(op, I32);
  for (const [a, b] of I32_PAIRS) expect(run(a, b), `${a}, ${b}`).toBe(reference(a, b));
}

function checkF32(op: Code, reference: (a: number, b: number) => number, result = F32): void {
  const run = binary(op, F32, result);
  for (const [a, b] of F32_PAIRS) {
    expect(run(f(a), f(b)), `${a}, ${b}`).toBe(reference(f(a), f(b)));
  }
}

const i32Cases: { [K in keyof typeof i32]: () => void } = {
  const: () => {
    for (const value of [0, 1, -1, 63, 64, -64, -65, 624485, 2 ** 31 - 1, -(2 ** 31)]) {
      expect(build([], [I32], () => [i32.const(value)]).run()).toBe(value);
    }
  },
  add: () => checkI32(i32.add, (a, b) => (a + b) | 0),
  sub: () => checkI32(i32.sub, (a, b) => (a - b) | 0),
  mul: () => checkI32(i32.mul, (a, b) => Math.imul(a, b)),
  shl: () => checkI32(i32.shl, (a, b) => a << b),
  geU: () => checkI32(i32.geU, (a, b) => Number(a >>> 0 >= b >>> 0)),
  ltU: () => checkI32(i32.ltU, (a, b) => Number(a >>> 0 < b >>> 0)),
  eqz: () => {
    const run = unary(i32.eqz, I32);
    expect([0, 1, -1, 2 ** 31 - 1].map((a) => run(a))).toEqual([1, 0, 0, 0]);
  },
  load: () => {
    const { run, memory } = build([I32], [I32], () => [get(0), i32.load(8)]);
    new Int32Array(memory).set([11, -22, 33, 44, 55]);
    expect([0, 4, 8].map((at) => run(at))).toEqual([33, 44, 55]);
  },
  truncSatF32S: () => {
    const run = unary(i32.truncSatF32S, F32, I32);
    const inputs = [2.7, -2.7, 0.5, Number.NaN, 1e10, -1e10, Number.POSITIVE_INFINITY];
    expect(inputs.map((a) => run(a))).toEqual([2, -2, 0, 0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31 - 1]);
  },
};

const f32Cases: { [K in keyof typeof f32]: () => void } = {
  const: () => {
    for (const value of [0.1, -0, 3.5, -1e-40, Number.POSITIVE_INFINITY]) {
      expect(Object.is(build([], [F32], () => [f32.const(value)]).run(), f(value))).toBe(true);
    }
  },
  add: () => checkF32(f32.add, (a, b) => f(a + b)),
  sub: () => checkF32(f32.sub, (a, b) => f(a - b)),
  mul: () => checkF32(f32.mul, (a, b) => f(a * b)),
  le: () => checkF32(f32.le, (a, b) => Number(a <= b), I32),
  ge: () => checkF32(f32.ge, (a, b) => Number(a >= b), I32),
  load: () => {
    const { run, memory } = build([I32], [F32], () => [get(0), f32.load(4)]);
    new Float32Array(memory).set([0.5, -1.25, 3.75, 1e-3]);
    expect([0, 8].map((at) => run(at))).toEqual([-1.25, f(1e-3)]);
  },
};

/** Four-lane operands: unequal, equal, opposite signs and ±0 lanes. */
const A = [1.5, -2.25, 0.1, 7, -0, 3, -4, 1e-3];
const B = [0.5, 3, 0.2, 7, 0, -3, -4, 1e3];

/** `op` over the lanes of A and B (eight floats: two v128 each), the eight result lanes. */
function lanes(op: Code, operands = 2, a = A, b = B): ArrayBuffer {
  const { run, memory } = build([], [], () => {
    const half = (offset: number): Code[] => [
      i32.const(64 + offset),
      i32.const(offset),
      v128.load(),
      ...(operands === 2 ? [i32.const(32 + offset), v128.load()] : []),
      op,
      v128.store(),
    ];
    return [...half(0), ...half(16)];
  });
  new Float32Array(memory).set([...a, ...b]);
  run();
  return memory.slice(64, 96);
}

function checkLanes(op: Code, reference: (a: number, b: number) => number, [a, b] = [A, B]): void {
  const expected = a.map((x, i) => f(reference(f(x), f(b[i] as number))));
  expect(Array.from(new Uint32Array(lanes(op, 2, a, b)))).toEqual(bits(expected));
}

/**
 * Signed zeros both ways round: `min`/`max` give −0/+0 whatever the order, where the
 * neighbouring `pmin`/`pmax` (`b < a ? b : a`) return the first operand.
 */
const ZEROS: [number[], number[]] = [
  [0, -0, 2, -5, 1.5, -0, 7, 0.25],
  [-0, 0, -3, 4, 1.5, -0.5, 7, 0.5],
];

function checkMask(op: Code, reference: (a: number, b: number) => boolean): void {
  const expected = A.map((a, i) => (reference(f(a), f(B[i] as number)) ? -1 : 0));
  expect(Array.from(new Int32Array(lanes(op)))).toEqual(expected);
}

const v128Cases: { [K in keyof typeof v128]: () => void } = {
  load: () => v128Cases.store(),
  store: () => {
    // from + 4 → to + 8: both offsets must be applied, all 16 bytes moved.
    const { run, memory } = build([I32, I32], [], () => [
      get(1),
      get(0),
      v128.load(4),
      v128.store(8),
    ]);
    const ints = new Int32Array(memory);
    ints.set([1, 2, 3, 4, 5, 6]);
    run(0, 64);
    expect(Array.from(ints.subarray(16, 24))).toEqual([0, 0, 2, 3, 4, 5, 0, 0]);
  },
  constF32x4: () => {
    const { run, memory } = build([], [], () => [
      i32.const(0),
      v128.constF32x4(0.1, -2, 3.5, 1e20),
      v128.store(),
      i32.const(16),
      v128.constF32x4(-0.75),
      v128.store(),
    ]);
    run();
    expect(Array.from(new Uint32Array(memory, 0, 8))).toEqual(
      bits([0.1, -2, 3.5, 1e20, -0.75, -0.75, -0.75, -0.75]),
    );
  },
  bitselect: () => {
    // bitselect(a, b, mask) with a, b, mask in memory at 0, 16, 32; result at 48.
    const { run, memory } = build([], [], () => [
      i32.const(48),
      i32.const(0),
      v128.load(),
      i32.const(16),
      v128.load(),
      i32.const(32),
      v128.load(),
      v128.bitselect,
      v128.store(),
    ]);
    const ints = new Int32Array(memory);
    const [a, b, mask] = [
      [0x12345678, -1, 0, 0x0f0f0f0f],
      [-0x789abcdf, 0, -1, 0x70f0f0f0],
      [0xff00ff, -1, 0x0ffff000, 0x33333333],
    ] as const;
    ints.set([...a, ...b, ...mask]);
    run();
    expect(Array.from(ints.subarray(12, 16))).toEqual(
      a.map((x, i) => (x & (mask[i] as number)) | ((b[i] as number) & ~(mask[i] as number))),
    );
  },
};

const f32x4Cases: { [K in keyof typeof f32x4]: () => void } = {
  splat: () => {
    const { run, memory } = build([F32], [], () => [
      i32.const(16),
      get(0),
      f32x4.splat,
      v128.store(),
    ]);
    run(-1.75);
    expect(Array.from(new Float32Array(memory, 0, 8))).toEqual([
      0, 0, 0, 0, -1.75, -1.75, -1.75, -1.75,
    ]);
  },
  extractLane: () => {
    for (const lane of [0, 1, 2, 3]) {
      const { run, memory } = build([], [F32], () => [
        i32.const(0),
        v128.load(),
        f32x4.extractLane(lane),
      ]);
      new Float32Array(memory).set([1.5, -2.5, 3.25, 8]);
      expect(run()).toBe([1.5, -2.5, 3.25, 8][lane]);
    }
  },
  add: () => checkLanes(f32x4.add, (a, b) => a + b),
  sub: () => checkLanes(f32x4.sub, (a, b) => a - b),
  mul: () => checkLanes(f32x4.mul, (a, b) => a * b),
  div: () => checkLanes(f32x4.div, (a, b) => a / b),
  // WebAssembly's min/max order −0 below +0, as Math.min/max do.
  min: () => checkLanes(f32x4.min, Math.min, ZEROS),
  max: () => checkLanes(f32x4.max, Math.max, ZEROS),
  neg: () => {
    expect(Array.from(new Uint32Array(lanes(f32x4.neg, 1)))).toEqual(bits(A.map((a) => -a)));
  },
  sqrt: () => {
    // Non-negative lanes only: a NaN's bits are not specified. float64 sqrt rounded to float32 is
    // the correctly rounded float32 sqrt.
    const { run, memory } = build([], [], () => [
      i32.const(16),
      i32.const(0),
      v128.load(),
      f32x4.sqrt,
      v128.store(),
    ]);
    const inputs = [2, 0.1, 1e-30, 49];
    new Float32Array(memory).set(inputs);
    run();
    expect(Array.from(new Uint32Array(memory, 16, 4))).toEqual(
      bits(inputs.map((x) => Math.sqrt(f(x)))),
    );
  },
  gt: () => checkMask(f32x4.gt, (a, b) => a > b),
  lt: () => checkMask(f32x4.lt, (a, b) => a < b),
};

describe('instructions, executed against JavaScript arithmetic', () => {
  for (const [namespace, cases, instructions] of [
    ['i32', i32Cases, i32],
    ['f32', f32Cases, f32],
    ['v128', v128Cases, v128],
    ['f32x4', f32x4Cases, f32x4],
  ] as const) {
    describe(namespace, () => {
      for (const [op, check] of Object.entries(cases)) it(op, check as () => void);
      it('has a case for every instruction', () => {
        expect(Object.keys(cases).sort()).toEqual(Object.keys(instructions).sort());
      });
    });
  }
});

describe('locals and control flow, executed', () => {
  it('local.get / set / tee', () => {
    const run = build([I32], [I32], (fn) => {
      const copy = fn.local(I32);
      return [get(0), tee(copy), get(copy), i32.add, set(copy), get(copy)];
    }).run;
    expect(run(21)).toBe(42);
  });

  it('block and br_if leave the block; the code after the branch runs only when not taken', () => {
    const run = build([I32], [I32], (fn) => {
      const result = fn.local(I32);
      return [
        i32.const(1),
        set(result),
        block([...get(0), ...brIf(0), ...i32.const(2), ...set(result)]),
        get(result),
      ];
    }).run;
    expect([run(0), run(5)]).toEqual([2, 1]);
  });

  it('loop and br start the loop again; br with depth 1 leaves the enclosing block', () => {
    // sum = 0 + 1 + … + (n − 1), with the exit test at the top
    const run = build([I32], [I32], (fn) => {
      const [k, sum] = [fn.local(I32), fn.local(I32)];
      return [
        block(
          loop([
            ...get(k),
            ...get(0),
            ...i32.geU,
            ...brIf(1),
            ...get(sum),
            ...get(k),
            ...i32.add,
            ...set(sum),
            ...get(k),
            ...i32.const(1),
            ...i32.add,
            ...set(k),
            ...br(0),
          ]),
        ),
        get(sum),
      ];
    }).run;
    expect([run(0), run(1), run(10)]).toEqual([0, 0, 45]);
  });

  it('if / else, and if without else', () => {
    const run = build([I32, I32], [F32], (fn) => {
      const result = fn.local(F32);
      return [
        get(0),
        ifElse([...f32.const(1), ...set(result)], [...f32.const(2), ...set(result)]),
        get(1),
        ifElse([...get(result), ...f32.const(10), ...f32.add, ...set(result)]),
        get(result),
      ];
    }).run;
    expect([run(0, 0), run(3, 0), run(0, 1), run(3, 1)]).toEqual([2, 1, 12, 11]);
  });

  it('select takes the first operand when the condition is not zero', () => {
    const run = build([I32, I32, I32], [I32], () => [get(0), get(1), get(2), select]).run;
    expect([run(7, 9, 1), run(7, 9, 0), run(7, 9, -1)]).toEqual([7, 9, 7]);
  });

  it('countedLoop tests before each turn; doWhileLoop runs once before testing', () => {
    const sum = (loopOf: typeof countedLoop) =>
      build([I32], [I32], (fn) => {
        const [k, total] = [fn.local(I32), fn.local(I32)];
        return [
          loopOf(k, get(0), 3, [...get(total), ...get(k), ...i32.add, ...set(total)]),
          get(total),
        ];
      }).run;
    const counted = sum(countedLoop);
    const doWhile = sum(doWhileLoop);
    // k = 0, 3, 6, 9 below 10
    expect([counted(0), counted(10), counted(9)]).toEqual([0, 18, 9]);
    expect([doWhile(0), doWhile(10), doWhile(9)]).toEqual([0, 18, 9]);
    // The difference: with a limit of 0 the do-while body still ran once (k = 0 added, then
    // k = 3 ≥ 0); seen through a body that counts turns.
    const turns = (loopOf: typeof countedLoop) =>
      build([I32], [I32], (fn) => {
        const [k, count] = [fn.local(I32), fn.local(I32)];
        return [
          loopOf(k, get(0), 1, [...get(count), ...i32.const(1), ...i32.add, ...set(count)]),
          get(count),
        ];
      }).run;
    expect([turns(countedLoop)(0), turns(countedLoop)(4)]).toEqual([0, 4]);
    expect([turns(doWhileLoop)(0), turns(doWhileLoop)(4)]).toEqual([1, 4]);
  });
});

describe('value types', () => {
  it('declares v128 locals the runtime accepts', () => {
    const run = build([F32], [F32], (fn) => {
      const vector = fn.local(V128);
      return [get(0), f32x4.splat, set(vector), get(vector), f32x4.extractLane(2)];
    }).run;
    expect(run(2.5)).toBe(2.5);
  });
});
