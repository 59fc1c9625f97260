/**
 * The recurrent cells' step kernels (lstm-simd.ts, gru-simd.ts, rnn-simd.ts) as one WebAssembly
 * module per unit count — byte offsets within a row are baked in — that imports
 * tfjs-backend-wasm's memory, so the kernels work on tensors where they lie. Assembled at run
 * time (no toolchain at build or run time), compiled once per heap and unit count.
 */
import { memoryKernelModule, webAssembly } from '@newscell/wasm-bytes';
import { gruFunctions } from './gru-simd.js';
import type { WasmMemory } from './heap.js';
import { lstmFunctions } from './lstm-simd.js';
import { rnnFunctions } from './rnn-simd.js';

/** `(n, rowsOn, ...pointers)`: byte offsets into the heap (see row-kernel.ts). */
export type StepKernel = (n: number, rowsOn: number, ...pointers: number[]) => void;

export interface StepKernels {
  /** The exported kernel `name` (names from the cells' `…Name` functions). */
  get(name: string): StepKernel;
}

const modules = new WeakMap<WasmMemory, Map<number, StepKernels | null>>();

/** The kernels for `units` (a positive multiple of 4) bound to `memory`, or null without SIMD. */
export function stepKernelsFor(memory: WasmMemory, units: number): StepKernels | null {
  if (units % 4 !== 0 || units <= 0) return null;
  let byUnits = modules.get(memory);
  if (byUnits === undefined) {
    byUnits = new Map();
    modules.set(memory, byUnits);
  }
  if (byUnits.has(units)) return byUnits.get(units) ?? null;
  const bytes = memoryKernelModule(
    new Map([...lstmFunctions(units), ...gruFunctions(units), ...rnnFunctions(units)]),
  );
  const api = webAssembly();
  let kernels: StepKernels | null = null;
  if (api?.validate(bytes)) {
    const exports = new api.Instance(new api.Module(bytes), { env: { memory } }).exports;
    kernels = {
      get(name) {
        const kernel = exports[name];
        if (typeof kernel !== 'function') throw new Error(`no step kernel ${name}`);
        return kernel as StepKernel;
      },
    };
  }
  byUnits.set(units, kernels);
  return kernels;
}
