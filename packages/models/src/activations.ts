/**
 * The gate nonlinearities of the fused recurrent cells, shared by their JavaScript loops
 * (`fused/`) and their WebAssembly step kernels (`wasm-kernels/`), as tfjs-layers keeps its
 * activations in one `activations.ts`: tanh as a rational function, σ through it, tfjs-layers'
 * hard sigmoid, and the slopes backpropagation needs.
 */

/** Gate nonlinearity of LSTM/GRU gates; tfjs-layers' default is `hardSigmoid`. */
export type GateActivation = 'hardSigmoid' | 'sigmoid';

/** tfjs-layers' `hardSigmoid`: `clip(0.2·x + 0.5, 0, 1)`. */
export function hardSigmoid(x: number): number {
  const y = 0.2 * x + 0.5;
  return y <= 0 ? 0 : Math.min(y, 1);
}

/** The logistic function through the rational `tanh` below (no `Math.exp`, which is slow in V8). */
export function sigmoid(x: number): number {
  return 0.5 * tanh(0.5 * x) + 0.5;
}

/** Derivative of the gate nonlinearity (hard or logistic) expressed through its output `y`. */
export function gateSlope(hard: boolean, y: number): number {
  if (hard) return y > 0 && y < 1 ? 0.2 : 0;
  return y * (1 - y);
}

/** Where tanh rounds to ±1 in float32; the rational function below is used inside it. */
export const TANH_CLAMP = 7.998811721801758;
// Eigen's float32 tanh: `x·P(x²)/Q(x²)`, coefficients from the highest power down.
const P0 = -2.76076847742355e-16;
const P1 = 2.00018790482477e-13;
const P2 = -8.60467152213735e-11;
const P3 = 5.12229709037114e-8;
const P4 = 1.48572235717979e-5;
const P5 = 6.37261928875436e-4;
const P6 = 4.89352455891786e-3;
const Q0 = 1.19825839466702e-6;
const Q1 = 1.18534705686654e-4;
const Q2 = 2.268434632439e-3;
const Q3 = 4.89352518554385e-3;
/** P and Q of the rational tanh below, for the SIMD kernels (wasm-kernels/row-kernel.ts). */
export const TANH_NUMERATOR: readonly number[] = [P0, P1, P2, P3, P4, P5, P6];
export const TANH_DENOMINATOR: readonly number[] = [Q0, Q1, Q2, Q3];

/**
 * tanh as Eigen's float32 rational approximation (odd degree-13 over even degree-6 polynomial,
 * clamped where tanh rounds to ±1 in float32): within 2.3e-7 of `Math.tanh`, and cheaper than
 * it or than `Math.exp` in V8; this and the gates are most of the fused layers' JavaScript time.
 * The wasm step kernels (wasm-kernels/row-kernel.ts) evaluate the same function four lanes at a time.
 */
export function tanh(x: number): number {
  if (x > TANH_CLAMP) return 1;
  if (x < -TANH_CLAMP) return -1;
  const x2 = x * x;
  const p = (((((P0 * x2 + P1) * x2 + P2) * x2 + P3) * x2 + P4) * x2 + P5) * x2 + P6;
  const q = ((Q0 * x2 + Q1) * x2 + Q2) * x2 + Q3;
  return (x * p) / q;
}
