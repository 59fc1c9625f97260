import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { tf } from '../tfjs.js';
import {
  heapMemory,
  heapOffset,
  heapView,
  uninitializedTensor,
  wasmBackend,
} from '../wasm-kernels/heap.js';
import { type StepKernel, stepKernelsFor } from '../wasm-kernels/step-kernels.js';
import {
  addSequenceGradient,
  type CellBackwardArgs,
  type CellForwardArgs,
  type CellGradients,
  type CellSequence,
  writeSequenceStep,
} from './cell-sequence.js';
import { nextStep, type SequenceLayout, type StepRows, stepRows } from './sequence-layout.js';

/**
 * What the cells' wasm paths (lstm-heap.ts, gru-heap.ts, rnn-heap.ts) share: the step kernels
 * for the layer's width, per-pass scratch memory in the heap, and activations saved for
 * backpropagation as heap tensors. Everything a kernel touches must be in the heap; views on it
 * are taken afresh after every tf call, since a call may grow the heap and detach older views.
 */
export interface HeapCells {
  backend: BackendWasm;
  kernel(name: string): StepKernel;
}

let stepKernelsOn = true;

/**
 * Switches the SIMD step kernels on (the default) or off, in which case the fused layers run
 * their JavaScript step loops on every backend: for benchmarks and tests that compare the two.
 */
export function useStepKernels(on: boolean): void {
  stepKernelsOn = on;
}

/**
 * A cell whose JavaScript step loops (`loops`) give way to its heap path (the SIMD step kernels)
 * wherever `heapCells` has kernels; backward follows whichever path saved the activations.
 */
export function withHeapPath<Arrays extends object, Heap extends object>(
  loops: CellSequence<Arrays>,
  heap: {
    forward(args: CellForwardArgs, cells: HeapCells): { last: Float32Array; saved: Heap | null };
    backward(args: CellBackwardArgs<Heap>, cells: HeapCells): CellGradients;
  },
): CellSequence<Arrays | Heap> {
  return {
    gates: loops.gates,
    forward(args) {
      const cells = heapCells(args.layout);
      return cells === null ? loops.forward(args) : heap.forward(args, cells);
    },
    backward(args) {
      const { saved } = args;
      if (savedAsArrays<Arrays, Heap>(saved)) return loops.backward({ ...args, saved });
      const cells = heapCells(args.layout);
      if (cells === null)
        throw new Error('fused layer: saved on the heap, but no step kernels now');
      return heap.backward({ ...args, saved }, cells);
    },
  };
}

/** Whether a cell's saved state is plain arrays (the loops) rather than heap tensors. */
function savedAsArrays<Arrays, Heap>(saved: Arrays | Heap): saved is Arrays {
  return Object.values(saved as object).some((v) => v instanceof Float32Array);
}

/** The kernels for this layout on the active backend, or null (not wasm, no SIMD, width, off). */
export function heapCells(layout: SequenceLayout): HeapCells | null {
  if (!stepKernelsOn) return null;
  const backend = wasmBackend();
  const memory = backend === null ? null : heapMemory(backend);
  if (backend === null || memory === null || layout.rows === 0) return null;
  const kernels = stepKernelsFor(memory, layout.units);
  return kernels === null ? null : { backend, kernel: (name) => kernels.get(name) };
}

/**
 * Named float32 regions of one zero-filled heap tensor, for one forward or backward pass;
 * `rows` (int32, `batch` long) always comes with it for the step's batch rows. `dispose` when done.
 */
export class HeapRegions<Name extends string> {
  private readonly backend: BackendWasm;
  private readonly tensor: Tensor;
  private readonly starts = new Map<string, [number, number]>();
  private readonly batch: number;

  constructor(backend: BackendWasm, batch: number, sizes: Record<Name, number>) {
    this.backend = backend;
    this.batch = batch;
    let next = 0;
    for (const [name, size] of [['rows', batch] as const, ...Object.entries<number>(sizes)]) {
      this.starts.set(name, [next, size]);
      next += Math.ceil(size / 4) * 4; // 16-byte aligned regions
    }
    this.tensor = tf.zeros([Math.max(next, 1)]);
  }

  /** Byte offset of a region (fixed while the regions live). */
  at(name: Name | 'rows'): number {
    return heapOffset(this.backend, this.tensor) + this.region(name)[0] * 4;
  }

  /** A fresh view of a region. */
  floats(name: Name): Float32Array {
    const [from, size] = this.region(name);
    return (heapView(this.backend, this.tensor) as Float32Array).subarray(from, from + size);
  }

  /** A fresh int32 view of a region. */
  ints(name: Name): Int32Array {
    const view = this.floats(name);
    return new Int32Array(view.buffer, view.byteOffset, view.length);
  }

  /** Writes the step's batch rows (`rowsOn`) where the kernels read them. */
  setRows(rowsOn: Int32Array): void {
    const view = heapView(this.backend, this.tensor) as Float32Array;
    new Int32Array(view.buffer, this.at('rows'), this.batch).set(rowsOn);
  }

  dispose(): void {
    this.tensor.dispose();
  }

  private region(name: string): [number, number] {
    const region = this.starts.get(name);
    if (region === undefined) throw new Error(`no heap region ${name}`);
    return region;
  }
}

/** Uninitialised `[rows, width]` heap tensors, one per name (the kernels write every row). */
export function savedTensors<Name extends string>(
  backend: BackendWasm,
  rows: number,
  widths: Record<Name, number>,
): Record<Name, Tensor2D> {
  const out = {} as Record<Name, Tensor2D>;
  for (const [name, width] of Object.entries<number>(widths)) {
    out[name as Name] = uninitializedTensor(backend, [rows, width]) as Tensor2D;
  }
  return out;
}

/** Byte offsets of a set of heap tensors. */
export function offsetsOf<Name extends string>(
  backend: BackendWasm,
  tensors: Record<Name, Tensor>,
): Record<Name, number> {
  const out = {} as Record<Name, number>;
  for (const [name, t] of Object.entries<Tensor>(tensors))
    out[name as Name] = heapOffset(backend, t);
  return out;
}

/** Rows `[from, from + n)` of a `[rows, width]` heap tensor, as a fresh view. */
export function heapRows(backend: BackendWasm, t: Tensor2D, from: number, n: number): Float32Array {
  const width = t.shape[1];
  return (heapView(backend, t) as Float32Array).subarray(from * width, (from + n) * width);
}

/** Disposes every tensor of a record (on a failed pass). */
export function disposeAll(tensors: Record<string, Tensor> | null): void {
  if (tensors !== null) for (const t of Object.values(tensors)) t.dispose();
}

/** What a cell's step function gets from `heapForward` / `heapBackward`. */
export interface HeapStep<Region extends string, Saved extends string> {
  backend: BackendWasm;
  /** The running texts of this step (`n`, `start`, `rowsOn`). */
  running: StepRows;
  /** Per-pass scratch; its `rows` region holds `running.rowsOn` already. */
  state: HeapRegions<Region>;
  /** Byte offsets of the saved tensors (forward: null when not saving). */
  at: Record<Saved, number> | null;
  saved: Record<Saved, Tensor2D> | null;
}

/** Forward steps also get where their input projection rows are. */
export interface HeapForwardStep<Region extends string, Saved extends string>
  extends HeapStep<Region, Saved> {
  /**
   * The step's input pointers for a kernel, rows `rowBytes` apart: `[xw rows]`, or with the
   * vocabulary table `[ids list, table]` (the kernels' `_table` variants).
   */
  input(rowBytes: number): number[];
  /** Whether the input comes from the vocabulary table (use the `_table` kernels). */
  fromTable: boolean;
}

/**
 * A cell's forward pass on the heap: scratch `regions` (one must be the state `h`), saved
 * activations `[rows, width]` per name when training, and `step` once per processing step with
 * texts running; the sequence output and the last state are read from `h`.
 */
export function heapForward<Region extends string, Saved extends string>(
  { layout, save, sequence, xw, table }: CellForwardArgs,
  { backend }: HeapCells,
  regions: Record<Region | 'h', number>,
  savedWidths: Record<Saved, number>,
  step: (context: HeapForwardStep<Region | 'h', Saved>) => void,
): { last: Float32Array; saved: Record<Saved, Tensor2D> | null } {
  const state = new HeapRegions(backend, layout.batch, {
    ...regions,
    ids: table === null ? 0 : layout.rows,
  });
  if (table !== null) state.ints('ids').set(table.rowIds);
  const xwAt = xw?.heapOffset() ?? null;
  if (table === null && xwAt === null) throw new Error('no input projection in the heap');
  const saved = save ? savedTensors(backend, layout.rows, savedWidths) : null;
  const at = saved === null ? null : offsetsOf(backend, saved);
  const running = stepRows(layout, true);
  try {
    for (let s = 0; s < layout.time; s++) {
      if (nextStep(layout, running, s) > 0) {
        state.setRows(running.rowsOn);
        const start = running.start;
        const input = (rowBytes: number) =>
          table === null
            ? [(xwAt as number) + start * rowBytes]
            : [state.at('ids') + start * 4, table.offset];
        step({ backend, running, state, at, saved, input, fromTable: table !== null });
      }
      writeSequenceStep(sequence, state.floats('h'), layout, s);
    }
    return { last: state.floats('h').slice(), saved };
  } catch (error) {
    disposeAll(saved);
    throw error;
  } finally {
    state.dispose();
  }
}

/**
 * A cell's backward pass on the heap: scratch `regions` (one must be the state gradient `dh`,
 * filled from `dLast`, with the sequence gradient added per step), the gate gradients `dPre` as a
 * new `[rows, width]` tensor, and `step` once per processing step with texts running, last first.
 */
export function heapBackward<Region extends string, Saved extends string>(
  { layout, saved, dLast, dSequence }: CellBackwardArgs<Record<Saved, Tensor2D>>,
  { backend }: HeapCells,
  regions: Record<Region | 'dh', number>,
  width: number,
  step: (
    context: HeapStep<Region | 'dh', Saved | 'dPre'> & {
      at: Record<Saved | 'dPre', number>;
      dPre: Tensor2D;
    },
  ) => void,
): Tensor2D {
  const state = new HeapRegions(backend, layout.batch, regions);
  if (dLast !== null) state.floats('dh').set(dLast);
  const { dPre } = savedTensors(backend, layout.rows, { dPre: width });
  const all = { ...saved, dPre } as Record<Saved | 'dPre', Tensor2D>;
  const at = offsetsOf(backend, all);
  const running = stepRows(layout, true);
  try {
    for (let s = layout.time - 1; s >= 0; s--) {
      addSequenceGradient(state.floats('dh'), dSequence, layout, s);
      // Padding rows pass the state, and so its gradient, through unchanged.
      if (nextStep(layout, running, s) === 0) continue;
      state.setRows(running.rowsOn);
      step({ backend, running, state, at, saved: all, dPre });
    }
    return dPre;
  } catch (error) {
    dPre.dispose();
    throw error;
  } finally {
    state.dispose();
  }
}
