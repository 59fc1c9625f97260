import type { SeededRandom } from '@newscell/random';

// The project's one generator; re-exported so the models API (checkpoints carry its state) is
// complete on its own.
export { type RandomState, SeededRandom } from '@newscell/random';

/**
 * Runs synchronous `fn` with `Math.random` drawing from `random`. TensorFlow.js seeds weight
 * initialisers and dropout masks from `Math.random` when no seed is given (and a fixed per-layer
 * seed would repeat the same dropout mask every step), so this is how model building and training
 * become reproducible and resumable. `fn` must be synchronous: no other code can run while the
 * swap is in place, and it is undone even when `fn` throws.
 */
export function withSeededMathRandom<T>(random: SeededRandom, fn: () => T): T {
  const original = Math.random;
  Math.random = () => random.next();
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new Error('withSeededMathRandom needs a synchronous function');
    }
    return result;
  } finally {
    Math.random = original;
  }
}
