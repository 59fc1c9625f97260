/** Serialisable state of a `SeededRandom` (four 32-bit words). */
export type RandomState = readonly [number, number, number, number];

/**
 * xoshiro128** : small, fast, and its whole state fits in a checkpoint, which is what makes a
 * resumed training run draw exactly the numbers the uninterrupted run would have drawn.
 */
export class SeededRandom {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number | RandomState) {
    if (typeof seed === 'number') {
      // splitmix32 spreads a small integer seed over the four words.
      let x = seed >>> 0;
      const words: number[] = [];
      for (let i = 0; i < 4; i++) {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        words.push((z ^ (z >>> 16)) >>> 0);
      }
      [this.a, this.b, this.c, this.d] = words as unknown as RandomState;
    } else {
      [this.a, this.b, this.c, this.d] = seed.map((w) => w >>> 0) as unknown as RandomState;
    }
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the one state xoshiro cannot leave
  }

  /** Uniform in [0, 1). */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c = (this.c ^ this.a) >>> 0;
    this.d = (this.d ^ this.b) >>> 0;
    this.b = (this.b ^ this.c) >>> 0;
    this.a = (this.a ^ this.d) >>> 0;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d, 11);
    return result / 4294967296;
  }

  /** Integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates shuffle of `0..n-1`. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = order[i] as number;
      order[i] = order[j] as number;
      order[j] = tmp;
    }
    return order;
  }

  state(): RandomState {
    return [this.a, this.b, this.c, this.d];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

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
