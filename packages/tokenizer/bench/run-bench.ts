/**
 * `npm run bench`: speed and memory of the tokenizer package on the AG News files (AGNEWS_DIR).
 * The machine is shared, so every figure is repeated and reported as best and median; the load
 * average is recorded alongside. Writes bench-results/tokenizer.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTokenizer,
  NATURAL_TOKENIZER_KINDS,
  trainSkipGram,
  Vocabulary,
} from '../src/index.js';
import { agNewsDir, readAgNews } from '../test/support/ag-news.js';

const WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TARGET_TEXTS = 120_000;
const GOALS = {
  textsPerSecond: 15_000,
  fullSetSeconds: 8,
  skipGramWordsPerSecond: 300_000,
  peakRssMiB: 1536,
};

interface Summary {
  runs: number[];
  best: number;
  median: number;
}

function summarise(runs: number[], higherIsBetter: boolean): Summary {
  const sorted = [...runs].sort((a, b) => a - b);
  const median =
    sorted.length % 2 === 1
      ? (sorted[(sorted.length - 1) / 2] as number)
      : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  return { runs, best: higherIsBetter ? (sorted.at(-1) as number) : (sorted[0] as number), median };
}

const round = (value: number, digits = 0) => Number(value.toFixed(digits));
const log = (message: string) => console.log(message);

/** Start-up cost of natural's index against the submodules the adapter requires, in fresh processes. */
function naturalLoadCost(repeats: number): Record<string, Summary> {
  const measure = (load: string): [number, number] => {
    const code = `import { createRequire } from 'node:module'; const t = performance.now(); ${load}; console.log(performance.now() - t, process.memoryUsage().rss);`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: WORKSPACE,
      encoding: 'utf8',
    });
    const [ms, rss] = (output.trim().split('\n').at(-1) as string).split(' ').map(Number);
    return [round(ms as number, 1), round((rss as number) / 2 ** 20, 1)];
  };
  const index = `createRequire(import.meta.url + '/../x.js')('natural')`;
  const adapter = `await import('./.bench-build/src/natural-adapter.js')`;
  const runs = {
    indexMs: [] as number[],
    indexRssMiB: [] as number[],
    submodulesMs: [] as number[],
    submodulesRssMiB: [] as number[],
  };
  for (let i = 0; i < repeats; i++) {
    const [indexMs, indexRss] = measure(index);
    const [adapterMs, adapterRss] = measure(adapter);
    runs.indexMs.push(indexMs);
    runs.indexRssMiB.push(indexRss);
    runs.submodulesMs.push(adapterMs);
    runs.submodulesRssMiB.push(adapterRss);
  }
  return Object.fromEntries(
    Object.entries(runs).map(([key, values]) => [key, summarise(values, false)]),
  );
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const train = readAgNews('train').map((row) => row.text);
  const test = readAgNews('test').map((row) => row.text);
  const texts = Array.from({ length: TARGET_TEXTS }, (_, i) => train[i % train.length] as string);
  log(`AG News from ${agNewsDir()}: train.csv ${train.length} texts, repeated to ${texts.length}`);
  log(
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );

  // 1. Loading natural: its index against the submodules the adapter requires.
  const naturalLoad = naturalLoadCost(3);
  log(
    `natural load (median of 3 fresh processes): index ${naturalLoad['indexMs']?.median} ms, RSS ${naturalLoad['indexRssMiB']?.median} MiB; ` +
      `adapter submodules ${naturalLoad['submodulesMs']?.median} ms, RSS ${naturalLoad['submodulesRssMiB']?.median} MiB`,
  );

  // 2. Tokenise + build the vocabulary over 120,000 texts, default tokenizer.
  const buildRuns: number[] = [];
  let vocabularySize = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const vocabulary = await Vocabulary.build(texts, { minFrequency: 2 });
    buildRuns.push((performance.now() - start) / 1000);
    vocabularySize = vocabulary.size;
  }
  const buildSeconds = summarise(
    buildRuns.map((s) => round(s, 3)),
    false,
  );
  const buildTextsPerSecond = summarise(
    buildRuns.map((s) => round(texts.length / s)),
    true,
  );
  log(
    `tokenise + build vocabulary (kind 'word', ${texts.length} texts, minFrequency 2 → ${vocabularySize} tokens): ` +
      `best ${buildSeconds.best} s = ${buildTextsPerSecond.best} texts/s, median ${buildSeconds.median} s = ${buildTextsPerSecond.median} texts/s`,
  );

  // 3. Each tokenizer kind (and stemming): speed, vocabulary size, test-set OOV rate.
  const kinds: Record<string, unknown>[] = [];
  for (const options of [
    ...NATURAL_TOKENIZER_KINDS.map((kind) => ({ kind })),
    { kind: 'word' as const, stem: true },
  ]) {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const tokenizer = createTokenizer(options);
      const start = performance.now();
      let tokens = 0;
      for (const text of texts) tokens += tokenizer.tokenize(text).length;
      runs.push(texts.length / ((performance.now() - start) / 1000));
      if (i === 0) kinds.push({ ...options, tokensPer120k: tokens });
    }
    const vocabulary = await Vocabulary.build(train, { tokenizer: options, minFrequency: 2 });
    const oov = vocabulary.oovRate(test);
    Object.assign(kinds.at(-1) as object, {
      textsPerSecond: summarise(
        runs.map((r) => round(r)),
        true,
      ),
      trainVocabularySize: vocabulary.size,
      testOovRate: round(oov.rate, 4),
    });
    log(
      `  tokenizer ${JSON.stringify(options)}: median ${round(summarise(runs, true).median)} texts/s, ` +
        `vocabulary ${vocabulary.size} (train.csv, minFrequency 2), test.csv OOV ${(oov.rate * 100).toFixed(2)}%`,
    );
  }

  // 4. Skip-gram on the 120,000-text corpus, default settings, one epoch per run.
  const vocabulary = await Vocabulary.build(texts, { minFrequency: 2 });
  const settings = { dim: 100, window: 5, negatives: 5, subsample: 1e-3, epochs: 1 };
  const skipGramRuns: Record<string, number>[] = [];
  for (let i = 0; i < 5; i++) {
    const cpu = process.cpuUsage();
    const { stats } = await trainSkipGram(texts, vocabulary, { ...settings, seed: i + 1 });
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6 - stats.encodeSeconds;
    skipGramRuns.push({
      wordsProcessed: stats.wordsProcessed,
      trainedWords: stats.trainedWords,
      pairs: stats.pairs,
      trainSeconds: round(stats.trainSeconds, 2),
      wordsPerSecond: round(stats.wordsPerSecond),
      wordsPerCpuSecond: round(stats.wordsProcessed / cpuSeconds),
    });
    log(
      `  skip-gram run ${i + 1}: ${stats.wordsProcessed} words in ${stats.trainSeconds.toFixed(2)} s = ` +
        `${round(stats.wordsPerSecond)} words/s (${round(stats.wordsProcessed / cpuSeconds)} per CPU-second), ${stats.pairs} pairs`,
    );
  }
  const skipGramWordsPerSecond = summarise(
    skipGramRuns.map((r) => r.wordsPerSecond as number),
    true,
  );
  const skipGramWordsPerCpuSecond = summarise(
    skipGramRuns.map((r) => r.wordsPerCpuSecond as number),
    true,
  );
  const kernelSettings = { ...settings, kernel: 'auto (wasm-simd)' };
  log(
    `skip-gram ${JSON.stringify(kernelSettings)}: best ${skipGramWordsPerSecond.best} words/s, median ${skipGramWordsPerSecond.median} words/s ` +
      `(per CPU-second: best ${skipGramWordsPerCpuSecond.best}, median ${skipGramWordsPerCpuSecond.median})`,
  );

  // 5. The plain-JavaScript kernel on the same settings, for comparison (train.csv only).
  const jsVocabulary = await Vocabulary.build(train, { minFrequency: 2 });
  const jsRuns: number[] = [];
  const wasmSmallRuns: number[] = [];
  for (let i = 0; i < 2; i++) {
    jsRuns.push(
      round(
        (await trainSkipGram(train, jsVocabulary, { ...settings, kernel: 'js' })).stats
          .wordsPerSecond,
      ),
    );
    wasmSmallRuns.push(
      round(
        (await trainSkipGram(train, jsVocabulary, { ...settings, kernel: 'wasm-simd' })).stats
          .wordsPerSecond,
      ),
    );
  }
  log(
    `kernel comparison on train.csv: js best ${Math.max(...jsRuns)} words/s, wasm-simd best ${Math.max(...wasmSmallRuns)} words/s`,
  );

  const peakRssMiB = round(process.resourceUsage().maxRSS / 1024, 1);
  log(`peak RSS ${peakRssMiB} MiB`);
  const goals = {
    buildTextsPerSecond: {
      goal: `>= ${GOALS.textsPerSecond}`,
      best: buildTextsPerSecond.best >= GOALS.textsPerSecond,
      median: buildTextsPerSecond.median >= GOALS.textsPerSecond,
    },
    fullSetSeconds: {
      goal: `< ${GOALS.fullSetSeconds}`,
      best: buildSeconds.best < GOALS.fullSetSeconds,
      median: buildSeconds.median < GOALS.fullSetSeconds,
    },
    skipGramWordsPerSecond: {
      goal: `>= ${GOALS.skipGramWordsPerSecond}`,
      best: skipGramWordsPerSecond.best >= GOALS.skipGramWordsPerSecond,
      median: skipGramWordsPerSecond.median >= GOALS.skipGramWordsPerSecond,
    },
    peakRssMiB: { goal: `< ${GOALS.peakRssMiB}`, met: peakRssMiB < GOALS.peakRssMiB },
  };
  log(`goals: ${JSON.stringify(goals)}`);

  const result = {
    benchmark: '@newscell/tokenizer',
    command: 'npm run bench -w @newscell/tokenizer',
    startedAt,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverage: { before: loadBefore, after: loadavg() },
    data: { dir: agNewsDir(), trainTexts: train.length, benchTexts: texts.length },
    naturalLoad,
    vocabularyBuild: {
      tokenizer: createTokenizer().options,
      minFrequency: 2,
      vocabularySize,
      seconds: buildSeconds,
      textsPerSecond: buildTextsPerSecond,
    },
    tokenizerKinds: kinds,
    skipGram: {
      settings: {
        ...settings,
        learningRate: 0.025,
        unigramTableSize: 1 << 18,
        kernel: 'auto (wasm-simd)',
        corpusTexts: texts.length,
      },
      runs: skipGramRuns,
      wordsPerSecond: skipGramWordsPerSecond,
      /** Same runs per CPU-second of the training process: less sensitive to other users' load. */
      wordsPerCpuSecond: skipGramWordsPerCpuSecond,
      kernelComparisonTrainCsv: {
        js: summarise(jsRuns, true),
        wasmSimd: summarise(wasmSmallRuns, true),
      },
    },
    peakRssMiB,
    goals,
  };
  const out = join(WORKSPACE, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'tokenizer.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${join(out, 'tokenizer.json')}`);
}

await main();
