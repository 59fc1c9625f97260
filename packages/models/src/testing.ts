/**
 * `@newscell/models/testing`: switches and reference kernels that only benchmarks and tests
 * need — turning the fused layers' step kernels off, the other recurrent implementation,
 * tfjs-backend-wasm's own kernels from before newscell replaced them, and the single kernels
 * `npm run bench:kernels` times. Kept off the main entry so an app cannot come to depend on a
 * comparison switch.
 */
export { tanh as rationalTanh } from './activations.js';
export { withRecurrentImplementation } from './fused/convert-implementation.js';
export { useStepKernels } from './fused/heap-state.js';
export { maxOverTime } from './masked-global-pooling.js';
/** tfjs-backend-wasm's own `GatherV2`, kept from before newscell's replaced it (`npm run bench:kernels`). */
export { stockWasmGather } from './wasm-kernels/gather.js';
export { sumOfSquares } from './wasm-kernels/sum-of-squares.js';
export { stockWasmKernel } from './wasm-kernels/swap.js';
