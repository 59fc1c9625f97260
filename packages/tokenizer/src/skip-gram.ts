import { SeededRandom } from '@newscell/random';
import { EmbeddingMatrix } from './embedding-matrix.js';
import { EmbeddingsError } from './errors.js';
import { keepProbabilities, unigramTable } from './negative-sampling.js';
import {
  createSkipGramKernel,
  type SkipGramKernel,
  type SkipGramKernelKind,
  wasmSimdAvailable,
} from './skip-gram-kernel.js';
import type { TextSource, Vocabulary } from './vocabulary.js';
import { PAD_ID, UNK_ID } from './vocabulary-json.js';

export interface SkipGramOptions {
  /** Vector length. @defaultValue `100` */
  dim?: number;
  /** Largest distance between centre and context word; each centre draws its window from 1..window. @defaultValue `5` */
  window?: number;
  /** Negative samples per (centre, context) pair, drawn from unigram^0.75. @defaultValue `5` */
  negatives?: number;
  /** Passes over the corpus. @defaultValue `5` */
  epochs?: number;
  /** Starting learning rate, decayed linearly to `learningRate × 1e-4` over all epochs. @defaultValue `0.025` */
  learningRate?: number;
  /** Frequent-word subsampling threshold t (word2vec `-sample`); 0 turns it off. @defaultValue `1e-3` */
  subsample?: number;
  /** Seeds initialisation, subsampling, windows and negatives: same inputs + seed = same vectors. @defaultValue `42` */
  seed?: number;
  /**
   * Entries in the negative-sampling table, a power of two (indexed by the top bits of a draw).
   * 2^18 entries (512 KiB of 16-bit ids for vocabularies up to 65,536 tokens, else 1 MiB) stay
   * in cache, which made training ~1.5× faster than 2^20 on the build machine, and still hold
   * every id of a 15k-token AG News vocabulary; raise it for very large
   * vocabularies so the rarest words can still be drawn as negatives.
   * @defaultValue `2^18`
   */
  unigramTableSize?: number;
  /**
   * Inner-step implementation: `'wasm-simd'` (f32x4 WebAssembly), `'js'` (plain JavaScript), or
   * `'auto'` = wasm-simd when the runtime supports it. Both give near-identical vectors (float
   * rounding differs).
   * @defaultValue `'auto'`
   */
  kernel?: 'auto' | SkipGramKernelKind;
  /** Stops training at the next chunk boundary (every ~50k words) with a `JOB_CANCELLED` error. */
  signal?: AbortSignal;
  /** Called after each epoch. */
  onEpoch?: (progress: {
    epoch: number;
    epochs: number;
    wordsProcessed: number;
    learningRate: number;
  }) => void;
}

export interface SkipGramStats {
  /** In-vocabulary tokens in the corpus (one epoch); `<unk>` tokens are dropped before training. */
  corpusWords: number;
  sentences: number;
  /** Corpus words read over all epochs, including those subsampling then skipped (word2vec's count). */
  wordsProcessed: number;
  /** Words that survived subsampling and were trained as centres. */
  trainedWords: number;
  /** (context, centre) pairs trained, each with 1 + negatives dot products. */
  pairs: number;
  /** Seconds spent tokenising and encoding the texts. */
  encodeSeconds: number;
  /** Seconds spent in the training loop. */
  trainSeconds: number;
  /** `wordsProcessed / trainSeconds`. */
  wordsPerSecond: number;
  /** The kernel that ran (what `'auto'` resolved to). */
  kernel: SkipGramKernelKind;
  options: Required<Omit<SkipGramOptions, 'signal' | 'onEpoch'>>;
}

const CHUNK_WORDS = 50_000;

/**
 * Trains skip-gram word vectors with negative sampling (Mikolov et al. 2013, as in word2vec.c)
 * on `texts`, one thread, typed arrays only. Each text is a sentence: windows never cross texts.
 * The result's rows are the input vectors; `<pad>` is zero, `<unk>` keeps its small random start.
 */
export async function trainSkipGram(
  texts: TextSource,
  vocabulary: Vocabulary,
  options: SkipGramOptions = {},
): Promise<{ embeddings: EmbeddingMatrix; stats: SkipGramStats }> {
  const settings = resolveOptions(options);
  const encodeStart = performance.now();
  const { corpus, sentenceStarts } = await encodeCorpus(texts, vocabulary);
  const encodeSeconds = (performance.now() - encodeStart) / 1000;
  const sentences = sentenceStarts.length - 1;
  if (corpus.length === 0) {
    throw new EmbeddingsError('no text has two or more in-vocabulary words; nothing to train on', {
      code: 'INVALID_ARGUMENT',
    });
  }

  const counts = new Float64Array(vocabulary.size);
  for (let i = 0; i < corpus.length; i++)
    counts[corpus[i] as number] = (counts[corpus[i] as number] as number) + 1;
  const { dim } = settings;
  const kernelKind =
    settings.kernel === 'auto' ? (wasmSimdAvailable() ? 'wasm-simd' : 'js') : settings.kernel;
  const kernel = createSkipGramKernel(kernelKind, vocabulary.size, dim, settings.negatives);
  const { floats, stride } = kernel;
  const syn0 = kernel.syn0 >> 2;
  const prng = new SeededRandom(settings.seed);
  for (let row = 0; row < vocabulary.size; row++) {
    for (let k = 0; k < dim; k++) floats[syn0 + row * stride + k] = (prng.next() - 0.5) / dim;
  }
  floats.fill(0, syn0 + PAD_ID * stride, syn0 + (PAD_ID + 1) * stride);

  let longest = 0;
  for (let s = 0; s < sentences; s++) {
    longest = Math.max(longest, (sentenceStarts[s + 1] as number) - (sentenceStarts[s] as number));
  }
  const state: TrainingState = {
    corpus,
    sentenceStarts,
    kernel,
    sentence: new Int32Array(longest),
    keep: keepProbabilities(counts, corpus.length, settings.subsample),
    // Ids fit 16 bits for vocabularies up to 65,536: half the table bytes, fewer cache misses.
    table:
      vocabulary.size <= 0x10000
        ? Uint16Array.from(unigramTable(counts, settings.unigramTableSize))
        : unigramTable(counts, settings.unigramTableSize),
    rng: Int32Array.from(prng.state()),
    window: settings.window,
    negatives: settings.negatives,
    startAlpha: settings.learningRate,
    alpha: settings.learningRate,
    totalWords: corpus.length * settings.epochs,
    wordsProcessed: 0,
    lastAlphaUpdate: 0,
    trainedWords: 0,
    pairs: 0,
  };

  const trainStart = performance.now();
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    let from = 0;
    while (from < sentences) {
      let to = from + 1;
      const limit = (sentenceStarts[from] as number) + CHUNK_WORDS;
      while (to < sentences && (sentenceStarts[to] as number) < limit) to++;
      trainSentences(state, from, to);
      from = to;
      // Lets a worker's event loop breathe (progress, heartbeats) and honours cancellation.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        throw new EmbeddingsError('skip-gram training was cancelled', { code: 'JOB_CANCELLED' });
      }
    }
    options.onEpoch?.({
      epoch,
      epochs: settings.epochs,
      wordsProcessed: state.wordsProcessed,
      learningRate: state.alpha,
    });
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;

  const embeddings = new EmbeddingMatrix(vocabulary, dim);
  for (let row = 0; row < vocabulary.size; row++) {
    embeddings.data.set(floats.subarray(syn0 + row * stride, syn0 + row * stride + dim), row * dim);
  }
  if (!embeddings.data.every(Number.isFinite)) {
    throw new EmbeddingsError(
      `skip-gram training diverged (vectors hold NaN or Infinity) with learningRate ${settings.learningRate}; lower it`,
      { details: { learningRate: settings.learningRate } },
    );
  }

  return {
    embeddings,
    stats: {
      corpusWords: corpus.length,
      sentences,
      wordsProcessed: state.wordsProcessed,
      trainedWords: state.trainedWords,
      pairs: state.pairs,
      encodeSeconds,
      trainSeconds,
      wordsPerSecond: state.wordsProcessed / trainSeconds,
      kernel: kernelKind,
      options: settings,
    },
  };
}

interface TrainingState {
  corpus: Int32Array;
  sentenceStarts: Int32Array;
  kernel: SkipGramKernel;
  sentence: Int32Array;
  keep: Float32Array;
  table: Int32Array | Uint16Array;
  /** xoshiro128** state, carried between chunks. */
  rng: Int32Array;
  window: number;
  negatives: number;
  startAlpha: number;
  alpha: number;
  totalWords: number;
  wordsProcessed: number;
  lastAlphaUpdate: number;
  trainedWords: number;
  pairs: number;
}

/**
 * The sampling loop: subsampling, window sizes and negatives in JavaScript over typed arrays,
 * each (context, centre) pair handed to the kernel. The PRNG state lives in four local integers
 * (xoshiro128**, the same generator as `SeededRandom` of @newscell/random) so no draw leaves registers.
 */
function trainSentences(state: TrainingState, from: number, to: number): void {
  const { corpus, sentenceStarts, sentence, keep, table, kernel } = state;
  const { window, negatives, startAlpha, totalWords } = state;
  const { targets, pair, syn0, syn1 } = kernel;
  const rowBytes = kernel.stride * 4;
  const tableShift = 32 - Math.log2(table.length);
  let { alpha, wordsProcessed, lastAlphaUpdate, trainedWords, pairs } = state;
  const rng = state.rng;
  let r0 = rng[0] as number;
  let r1 = rng[1] as number;
  let r2 = rng[2] as number;
  let r3 = rng[3] as number;
  let out = 0;
  let t = 0;

  for (let s = from; s < to; s++) {
    const start = sentenceStarts[s] as number;
    const end = sentenceStarts[s + 1] as number;
    let length = 0;
    for (let i = start; i < end; i++) {
      const word = corpus[i] as number;
      const keepProbability = keep[word] as number;
      if (keepProbability < 1) {
        out = Math.imul(rotl(Math.imul(r1, 5), 7), 9) >>> 0;
        t = r1 << 9;
        r2 ^= r0;
        r3 ^= r1;
        r1 ^= r2;
        r0 ^= r3;
        r2 ^= t;
        r3 = rotl(r3, 11);
        if (keepProbability * 4294967296 < out) continue;
      }
      sentence[length++] = word;
    }
    wordsProcessed += end - start;
    trainedWords += length;
    if (wordsProcessed - lastAlphaUpdate > 10_000) {
      lastAlphaUpdate = wordsProcessed;
      alpha = Math.max(startAlpha * (1 - wordsProcessed / (totalWords + 1)), startAlpha * 1e-4);
    }

    for (let pos = 0; pos < length; pos++) {
      const centre = sentence[pos] as number;
      out = Math.imul(rotl(Math.imul(r1, 5), 7), 9) >>> 0;
      t = r1 << 9;
      r2 ^= r0;
      r3 ^= r1;
      r1 ^= r2;
      r0 ^= r3;
      r2 ^= t;
      r3 = rotl(r3, 11);
      const span = window - (out % window);
      const lo = Math.max(pos - span, 0);
      const hi = pos + span >= length ? length - 1 : pos + span;
      for (let c = lo; c <= hi; c++) {
        if (c === pos) continue;
        targets[0] = syn1 + centre * rowBytes;
        let count = 1;
        for (let d = 0; d < negatives; d++) {
          out = Math.imul(rotl(Math.imul(r1, 5), 7), 9) >>> 0;
          t = r1 << 9;
          r2 ^= r0;
          r3 ^= r1;
          r1 ^= r2;
          r0 ^= r3;
          r2 ^= t;
          r3 = rotl(r3, 11);
          const target = table[out >>> tableShift] as number;
          if (target !== centre) targets[count++] = syn1 + target * rowBytes;
        }
        pair(syn0 + (sentence[c] as number) * rowBytes, count, alpha);
        pairs++;
      }
    }
  }
  rng[0] = r0;
  rng[1] = r1;
  rng[2] = r2;
  rng[3] = r3;
  Object.assign(state, { alpha, wordsProcessed, lastAlphaUpdate, trainedWords, pairs });
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Encodes every text, dropping `<unk>`; texts left with fewer than two words are skipped. */
async function encodeCorpus(
  texts: TextSource,
  vocabulary: Vocabulary,
): Promise<{ corpus: Int32Array; sentenceStarts: Int32Array }> {
  let corpus = new Int32Array(1 << 20);
  let starts = new Int32Array(1 << 14);
  let words = 0;
  let sentences = 0;
  const add = (text: string): void => {
    const ids = vocabulary.encode(text);
    let kept = 0;
    for (let i = 0; i < ids.length; i++) if ((ids[i] as number) > UNK_ID) kept++;
    if (kept < 2) return;
    if (words + kept > corpus.length) corpus = grow(corpus, words + kept);
    if (sentences + 2 > starts.length) starts = grow(starts, sentences + 2);
    starts[sentences++] = words;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (id > UNK_ID) corpus[words++] = id;
    }
  };
  if (Symbol.iterator in texts) {
    for (const text of texts) add(text);
  } else {
    for await (const text of texts) add(text);
  }
  starts[sentences] = words;
  return { corpus: corpus.slice(0, words), sentenceStarts: starts.slice(0, sentences + 1) };
}

function grow(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

function resolveOptions(options: SkipGramOptions): SkipGramStats['options'] {
  const settings = {
    dim: options.dim ?? 100,
    window: options.window ?? 5,
    negatives: options.negatives ?? 5,
    epochs: options.epochs ?? 5,
    learningRate: options.learningRate ?? 0.025,
    subsample: options.subsample ?? 1e-3,
    seed: options.seed ?? 42,
    unigramTableSize: options.unigramTableSize ?? 1 << 18,
    kernel: options.kernel ?? 'auto',
  };
  if (!['auto', 'wasm-simd', 'js'].includes(settings.kernel)) {
    throw new EmbeddingsError(
      `skip-gram option 'kernel' is ${JSON.stringify(settings.kernel)}; expected 'auto', 'wasm-simd' or 'js'`,
      { code: 'INVALID_CONFIG', details: { field: 'kernel', value: settings.kernel } },
    );
  }
  if (settings.kernel === 'wasm-simd' && !wasmSimdAvailable()) {
    throw new EmbeddingsError(
      "skip-gram kernel 'wasm-simd' is not supported by this runtime; use 'auto' or 'js'",
      {
        code: 'INVALID_CONFIG',
        details: { field: 'kernel' },
      },
    );
  }
  const rules: [Exclude<keyof typeof settings, 'kernel'>, (v: number) => boolean, string][] = [
    ['dim', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
    ['window', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
    ['negatives', (v) => Number.isInteger(v) && v >= 0 && v <= 1000, 'an integer from 0 to 1000'],
    ['epochs', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'],
    ['learningRate', (v) => Number.isFinite(v) && v > 0, 'a number > 0'],
    ['subsample', (v) => Number.isFinite(v) && v >= 0, 'a number >= 0'],
    ['seed', (v) => Number.isInteger(v), 'an integer'],
    [
      'unigramTableSize',
      (v) => Number.isInteger(v) && v >= 1024 && v <= 2 ** 28 && (v & (v - 1)) === 0,
      'a power of two from 1024 to 2^28',
    ],
  ];
  for (const [field, valid, expected] of rules) {
    if (!valid(settings[field])) {
      throw new EmbeddingsError(
        `skip-gram option '${field}' is ${settings[field]}; expected ${expected}`,
        {
          code: 'INVALID_CONFIG',
          details: { field, value: settings[field] },
        },
      );
    }
  }
  return settings;
}
