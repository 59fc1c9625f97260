/** Serialisable state of a `SeededRandom`: four unsigned 32-bit words. */
export type RandomState = readonly [number, number, number, number];

/**
 * xoshiro128** (Blackman & Vigna) seeded through splitmix32: 128-bit state, 32-bit integer
 * arithmetic only (`Math.imul`, shifts), so one seed gives the same numbers on every machine and
 * Node version, and the whole state fits in a checkpoint — a resumed run draws exactly what the
 * uninterrupted one would have. The only generator in newscell: data splits, embedding
 * initialisation, skip-gram sampling, shuffling and dropout all draw from it.
 */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  /** From an integer seed (0 included), or from a `state()` saved earlier. */
  constructor(seed: number | RandomState) {
    if (typeof seed === 'number') {
      let s = seed >>> 0;
      const next = (): number => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
      this.#a = next();
      this.#b = next();
      this.#c = next();
      this.#d = next();
    } else {
      [this.#a, this.#b, this.#c, this.#d] = seed.map((w) => w >>> 0) as unknown as RandomState;
    }
    // The all-zero state is the one xoshiro never leaves.
    if ((this.#a | this.#b | this.#c | this.#d) === 0) this.#a = 1;
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^32 (bias below n / 2^32, negligible here). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  nextNormal(): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.#spareNormal = v * factor;
    return u * factor;
  }

  /** A Fisher–Yates shuffle of `0..n-1`. */
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

  /** A shuffled copy of `items` (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /**
   * The four state words: saved in checkpoints (`new SeededRandom(state)` continues the sequence),
   * and copied by hot loops that inline the generator (they must draw what `nextUint32` would).
   * A pending spare normal is not part of it.
   */
  state(): RandomState {
    return [this.#a >>> 0, this.#b >>> 0, this.#c >>> 0, this.#d >>> 0];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
