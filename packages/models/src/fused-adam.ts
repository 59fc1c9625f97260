import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, NamedAttrMap, Tensor, TensorInfo, Variable } from '@tensorflow/tfjs-core';
import { tf } from './tfjs.js';
import { type AdamSimd, adamSimdFor } from './wasm-kernels/adam-simd.js';
import { heapMemory, heapOffset, heapView } from './wasm-kernels/heap.js';

/** The custom kernel: one pass over a variable, its two moments and its gradient. */
export const ADAM_UPDATE = 'NewscellAdamUpdate';

interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  /** `1 − beta1^t` and `1 − beta2^t` as float32, the bias corrections of this step. */
  correction1: number;
  correction2: number;
  epsilon: number;
  learningRate: number;
}

type AdamInputs = { value: TensorInfo; m: TensorInfo; v: TensorInfo; g: TensorInfo };
type VariableGradients = Parameters<InstanceType<typeof tf.AdamOptimizer>['applyGradients']>[0];

const f = Math.fround;

function wasmAdam(simd: AdamSimd) {
  return (args: { inputs: AdamInputs; backend: BackendWasm; attrs: AdamUpdateAttrs }) => {
    const { backend, inputs, attrs: a } = args;
    const shape = inputs.value.shape;
    const size = tf.util.sizeFromShape(shape);
    const outs = [0, 1, 2].map(() => backend.makeOutput(shape, 'float32'));
    const [p, m, v, g, outP, outM, outV] = [
      inputs.value,
      inputs.m,
      inputs.v,
      inputs.g,
      ...outs,
    ].map((t) => heapOffset(backend, t as TensorInfo)) as number[];
    const scalars = [
      f(a.beta1),
      f(a.beta2),
      f(1 - a.beta1),
      f(1 - a.beta2),
      f(a.correction1),
      f(a.correction2),
      f(a.epsilon),
      f(-a.learningRate),
    ] as const;
    const [b1, b2, c1, c2, k1, k2, eps, step] = scalars;
    const simdCount = size - (size % 4);
    // biome-ignore format: one call
    simd(p as number, m as number, v as number, g as number, outP as number, outM as number, outV as number, simdCount * 4, b1, b2, c1, c2, k1, k2, eps, step);
    // The last size % 4 elements, same operations rounded the same way.
    const view = (t: TensorInfo) => heapView(backend, t) as Float32Array;
    const [P, M, V, Gr] = [view(inputs.value), view(inputs.m), view(inputs.v), view(inputs.g)];
    const [OP, OM, OV] = outs.map(view) as [Float32Array, Float32Array, Float32Array];
    for (let i = simdCount; i < size; i++) {
      const gi = Gr[i] as number;
      const mi = f(f((M[i] as number) * b1) + f(gi * c1));
      const vi = f(f((V[i] as number) * b2) + f(f(gi * gi) * c2));
      const delta = f(f(f(mi / k1) / f(f(Math.sqrt(f(vi / k2))) + eps)) * step);
      OM[i] = mi;
      OV[i] = vi;
      OP[i] = delta + (P[i] as number);
    }
    return outs;
  };
}

/** Registers the kernel for wasm when its heap memory is reachable and SIMD validates. */
function registerAdamKernel(): void {
  if (tf.getBackend() !== 'wasm' || tf.getKernel(ADAM_UPDATE, 'wasm') !== undefined) return;
  const memory = heapMemory(tf.backend() as BackendWasm);
  const simd = memory === null ? null : adamSimdFor(memory);
  if (simd === null) return;
  tf.registerKernel({
    kernelName: ADAM_UPDATE,
    backendName: 'wasm',
    kernelFunc: wasmAdam(simd) as unknown as KernelFunc,
  });
}

/** What `AdamOptimizer` 4.22 keeps privately and this subclass reads (tfjs is pinned exactly). */
interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: Variable } | undefined)[];
}

/**
 * `tf.train.adam` whose per-variable update on wasm is one SIMD pass (see adam-simd.ts) instead
 * of a dozen tensor ops. Same state, names and `getWeights`/`setWeights` (checkpoints move freely
 * between the two), same results bit for bit. On any other backend (cpu, tfjs-node) it is
 * tfjs's own `applyGradients`.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
    registerAdamKernel();
  }

  override applyGradients(variableGradients: VariableGradients): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const fast =
      tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined &&
      names.every((name) => tf.engine().registeredVariables[name]?.dtype === 'float32');
    if (!fast) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const attrs: AdamUpdateAttrs = {
      beta1: this.beta1,
      beta2: this.beta2,
      correction1: f(1 - (state.accBeta1.dataSync()[0] as number)),
      correction2: f(1 - (state.accBeta2.dataSync()[0] as number)),
      epsilon: this.epsilon,
      learningRate: this.learningRate,
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name] as Variable;
        const moment = (kind: 'm' | 'v') => ({
          originalName: `${name}/${kind}`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        });
        state.accumulatedFirstMoment[i] ??= moment('m');
        state.accumulatedSecondMoment[i] ??= moment('v');
        const gradient = Array.isArray(variableGradients)
          ? variableGradients[i]?.tensor
          : variableGradients[name];
        if (gradient == null) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const [p1, m1, v1] = tf
          .engine()
          .runKernel(
            ADAM_UPDATE,
            { value, m, v, g: gradient },
            attrs as unknown as NamedAttrMap,
          ) as Tensor[];
        m.assign(m1 as Tensor);
        v.assign(v1 as Tensor);
        value.assign(p1 as Tensor);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
