/**
 * The shape every recurrent step kernel shares, and the float math they need, as WebAssembly
 * SIMD code generators (see lstm-simd.ts, gru-simd.ts, rnn-simd.ts).
 *
 * A step kernel runs over the `n` texts of one time step (`k < n`) and, within a text, over the
 * units four at a time. Each pointer parameter names a matrix in the heap with one row per text:
 * consecutive rows (`k`-th row at `pointer + k·stride`), the row of the text's batch position
 * (`rowsOn[k]`, an int32 list in the heap), as the carried state `h`/`c` is, or the row a second
 * int32 list names (`list[k]`: a token's row of the vocabulary table at inference). The body is
 * written once per four units, addressing a row by name plus a constant byte offset.
 */
import {
  type Code,
  countedLoop,
  FunctionBuilder,
  f32x4,
  get,
  I32,
  i32,
  set,
  V128,
  v128,
} from '@newscell/wasm-bytes';
import { TANH_CLAMP, TANH_DENOMINATOR, TANH_NUMERATOR } from '../activations.js';

export interface RowMatrix {
  /** Bytes from one row to the next. */
  stride: number;
  /** Row `k` (default), `rowsOn[k]`, or `list[k]`. */
  row?: 'text' | 'batch' | 'list';
}

/** Matrix addressing: row `k`, row `rowsOn[k]`, row `list[k]`; `stride` in bytes. */
export const byText = (stride: number): RowMatrix => ({ stride });
export const byBatch = (stride: number): RowMatrix => ({ stride, row: 'batch' });
export const byList = (stride: number): RowMatrix => ({ stride, row: 'list' });

/** What a kernel body gets: addressing by matrix name, and fresh v128 locals. */
export interface RowScope {
  /** The 16 bytes at `offset` in the current unit block of matrix `name`'s current row. */
  load(name: string, offset?: number): Code;
  /** Stores the v128 `value` leaves on the stack there. */
  store(name: string, offset: number, value: Code): Code;
  /** A new v128 local. */
  local(): number;
  /** Two v128 scratch locals for `tanh`. */
  scratch: Scratch;
}

export interface Scratch {
  a: number;
  b: number;
}

/**
 * A kernel `(n, rowsOn, ...matrices)`, or `(n, rowsOn, list, ...matrices)` when a matrix is
 * addressed through the list: for `k < n` and each four-unit block `j < rowBytes`, `body`'s
 * code, which reads and writes through `RowScope`. `rowsOn` is always the second parameter (pass
 * 0 when no matrix is by batch row).
 */
export function rowKernel(
  matrices: readonly (readonly [string, RowMatrix])[],
  rowBytes: number,
  body: (scope: RowScope) => Code,
): FunctionBuilder {
  const hasList = matrices.some(([, m]) => m.row === 'list');
  const first = hasList ? 3 : 2;
  const fn = new FunctionBuilder(Array(first + matrices.length).fill(I32));
  const [N, ROWS_ON, LIST] = [0, 1, 2];
  const k = fn.local(I32);
  const j = fn.local(I32);
  const batchRow = fn.local(I32);
  const listRow = fn.local(I32);
  const rows = new Map<string, { param: number; row: number; matrix: RowMatrix }>();
  matrices.forEach(([name, matrix], i) => {
    rows.set(name, { param: first + i, row: fn.local(I32), matrix });
  });
  const rowOf = (name: string) => {
    const row = rows.get(name);
    if (row === undefined) throw new Error(`row kernel: no matrix ${name}`);
    return row.row;
  };
  const at = (name: string): Code => [...get(rowOf(name)), ...get(j), ...i32.add];
  const scope: RowScope = {
    load: (name, offset = 0) => [...at(name), ...v128.load(offset)],
    store: (name, offset, value) => [...at(name), ...value, ...v128.store(offset)],
    local: () => fn.local(V128),
    scratch: { a: fn.local(V128), b: fn.local(V128) },
  };
  const inner = body(scope);
  const outer: number[] = [
    ...get(ROWS_ON),
    ...get(k),
    ...i32.const(4),
    ...i32.mul,
    ...i32.add,
    ...i32.load(),
    ...set(batchRow),
  ];
  if (hasList) {
    outer.push(...get(LIST), ...get(k), ...i32.const(4), ...i32.mul, ...i32.add, ...i32.load());
    outer.push(...set(listRow));
  }
  const index = { text: k, batch: batchRow, list: listRow };
  for (const { param, row, matrix } of rows.values()) {
    outer.push(
      ...get(param),
      ...get(index[matrix.row ?? 'text']),
      ...i32.const(matrix.stride),
      ...i32.mul,
      ...i32.add,
      ...set(row),
    );
  }
  outer.push(...i32.const(0), ...set(j), ...countedLoop(j, i32.const(rowBytes), 16, inner));
  fn.emit(i32.const(0), set(k), countedLoop(k, get(N), 1, outer));
  // With no batch-row matrix, rowsOn may be 0: the load above reads heap bytes 0–3, harmless.
  return fn;
}

/** tanh of the v128 on the stack, as activations.ts's rational function (clamped input). */
export function tanh(s: Scratch): Code {
  return [
    ...v128.constF32x4(TANH_CLAMP),
    ...f32x4.min,
    ...v128.constF32x4(-TANH_CLAMP),
    ...f32x4.max,
    ...set(s.a),
    ...get(s.a),
    ...get(s.a),
    ...f32x4.mul,
    ...set(s.b),
    ...get(s.a),
    ...polynomial(TANH_NUMERATOR, s.b),
    ...f32x4.mul,
    ...polynomial(TANH_DENOMINATOR, s.b),
    ...f32x4.div,
  ];
}

/** `c[0]·x^(m-1) + … + c[m-1]` by Horner's rule, `x` in a local. */
function polynomial(coefficients: readonly number[], x: number): Code {
  const [first, ...rest] = coefficients;
  const code: number[] = [...v128.constF32x4(first as number)];
  for (const c of rest) code.push(...get(x), ...f32x4.mul, ...v128.constF32x4(c), ...f32x4.add);
  return code;
}

/** The gate nonlinearity of the v128 on the stack: hard sigmoid or σ(x) = 0.5·tanh(0.5·x) + 0.5. */
export function gate(hard: boolean, s: Scratch): Code {
  if (hard) {
    return [
      ...v128.constF32x4(0.2),
      ...f32x4.mul,
      ...v128.constF32x4(0.5),
      ...f32x4.add,
      ...v128.constF32x4(1),
      ...f32x4.min,
      ...v128.constF32x4(0),
      ...f32x4.max,
    ];
  }
  return [
    ...v128.constF32x4(0.5),
    ...f32x4.mul,
    ...tanh(s),
    ...v128.constF32x4(0.5),
    ...f32x4.mul,
    ...v128.constF32x4(0.5),
    ...f32x4.add,
  ];
}

/** The gate's derivative from its output `y` (a local): hard → 0.2 inside (0, 1), else y·(1 − y). */
export function gateSlope(hard: boolean, y: number): Code {
  if (hard) {
    // bitselect(bitselect(0.2, 0, y > 0), 0, y < 1)
    return [
      ...v128.constF32x4(0.2),
      ...v128.constF32x4(0),
      ...get(y),
      ...v128.constF32x4(0),
      ...f32x4.gt,
      ...v128.bitselect,
      ...v128.constF32x4(0),
      ...get(y),
      ...v128.constF32x4(1),
      ...f32x4.lt,
      ...v128.bitselect,
    ];
  }
  return [...get(y), ...v128.constF32x4(1), ...get(y), ...f32x4.sub, ...f32x4.mul];
}

/** `1 − y²` of a local (tanh's derivative from its output). */
export function tanhSlope(y: number): Code {
  return [...v128.constF32x4(1), ...get(y), ...get(y), ...f32x4.mul, ...f32x4.sub];
}
