import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AG_NEWS_LABELS, isNewscellError } from '@newscell/contracts';
import { topicTexts } from '@newscell/test-fixtures';
import { createTokenizer, Vocabulary } from '@newscell/tokenizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo } from '../src/backend.js';
import { buildClassifier } from '../src/build-classifier.js';
import { predictProbabilities } from '../src/evaluate-classifier.js';
import { loadClassifier, saveClassifier } from '../src/model-directory.js';
import { loadPredictor, TEXT_ENCODING } from '../src/predictor.js';
import { tf } from '../src/tfjs.js';
import { trainClassifier } from '../src/train-classifier.js';
import { tempDir, useBackend } from './helpers.js';

const MAX_LENGTH = 8;
let backend: BackendInfo;
let root: { dir: string; cleanup: () => Promise<void> };
let vocabulary: Vocabulary;
let modelDir: string;

beforeAll(async () => {
  backend = await useBackend('wasm');
  root = await tempDir();
  const train = topicTexts(240, 1);
  const tokenizer = createTokenizer();
  vocabulary = await Vocabulary.build(train.texts, { tokenizer });
  const classifier = buildClassifier({
    cell: 'bow',
    vocabSize: vocabulary.size,
    embeddingDim: 8,
    maxLength: MAX_LENGTH,
  });
  const encode = (d: { texts: string[]; labels: number[] }) => ({
    ids: vocabulary.encodeBatch(d.texts, { maxLength: MAX_LENGTH, ...TEXT_ENCODING }).ids,
    labels: Int32Array.from(d.labels),
  });
  await trainClassifier({
    classifier,
    train: encode(train),
    validation: encode(topicTexts(40, 2)),
    options: { epochs: 8, batchSize: 16, learningRate: 0.05, patience: 0 },
  });
  modelDir = path.join(root.dir, 'bow-predictor');
  await saveClassifier(modelDir, classifier, {
    id: 'bow-predictor',
    backend,
    vocabularyHash: vocabulary.hash,
    datasetSplitHash: 'synthetic',
    vocabulary: vocabulary.toJSON(),
    tokenizerOptions: tokenizer.options,
  });
  classifier.model.dispose();
});

afterAll(async () => {
  await root.cleanup();
});

describe('Predictor', () => {
  it('answers raw text with the label, its index and every class probability by name', async () => {
    const predictor = await loadPredictor(modelDir);
    try {
      const answers = predictor.predict([
        'The striker scored a late goal in the match',
        'Investors cheered the merger as profit rose',
      ]);
      expect(answers).toHaveLength(2);
      expect(answers[0]).toMatchObject({ label: 'Sports', labelIndex: 1 });
      expect(answers[1]).toMatchObject({ label: 'Business', labelIndex: 2 });
      for (const answer of answers) {
        expect(Object.keys(answer.probabilities)).toEqual([...AG_NEWS_LABELS]);
        const sum = Object.values(answer.probabilities).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
        expect(answer.probabilities[answer.label]).toBe(
          Math.max(...Object.values(answer.probabilities)),
        );
      }
      expect(predictor.id).toBe('bow-predictor');
    } finally {
      predictor.dispose();
    }
  });

  it('tokenises exactly as training did: same probabilities as the model on encoded ids', async () => {
    const predictor = await loadPredictor(modelDir, { batchSize: 3 });
    try {
      const { texts } = topicTexts(10, 7);
      const ids = vocabulary.encodeBatch(texts, { maxLength: MAX_LENGTH, ...TEXT_ENCODING }).ids;
      expect(Array.from(predictor.encode(texts))).toEqual(Array.from(ids));
      const reference = await loadClassifier(modelDir);
      const direct = predictProbabilities(reference.classifier, ids);
      reference.classifier.model.dispose();
      const viaPredictor = predictor.predictProbabilities(texts);
      expect(viaPredictor).toHaveLength(direct.length);
      for (let i = 0; i < direct.length; i++) {
        expect(viaPredictor[i]).toBeCloseTo(direct[i] as number, 5);
      }
    } finally {
      predictor.dispose();
    }
  });

  it('keeps the tensor count flat across predictions and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const predictor = await loadPredictor(modelDir);
    const loaded = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) predictor.predict(topicTexts(70, i).texts);
    expect(tf.memory().numTensors).toBe(loaded);
    predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => predictor.predict(['again'])).toThrow(/disposed/);
  });

  it('answers an empty batch, empty text and unknown words without failing', async () => {
    const predictor = await loadPredictor(modelDir, { warmUp: false });
    try {
      expect(predictor.predict([])).toEqual([]);
      const [empty, unknown] = predictor.predict(['', 'zyxxy qwopp']);
      expect(empty?.label).toBeTypeOf('string');
      expect(unknown?.label).toBeTypeOf('string');
    } finally {
      predictor.dispose();
    }
  });

  it('names the bad field when given something other than strings', async () => {
    const predictor = await loadPredictor(modelDir, { warmUp: false });
    try {
      expect(() => predictor.predict(['ok', 42 as unknown as string])).toThrow(
        /texts\[1\] must be a string, got number/,
      );
    } finally {
      predictor.dispose();
    }
  });

  it('refuses a model without a vocabulary, or with one the manifest does not name', async () => {
    // No vocabulary: saved without one.
    const classifier = buildClassifier({ cell: 'bow', vocabSize: vocabulary.size, maxLength: 8 });
    const bare = path.join(root.dir, 'bare');
    await saveClassifier(bare, classifier, {
      backend,
      vocabularyHash: vocabulary.hash,
      datasetSplitHash: 'synthetic',
    });
    classifier.model.dispose();
    const before = tf.memory().numTensors;
    const missing = await loadPredictor(bare).catch((e: unknown) => e);
    expect(isNewscellError(missing) && missing.code).toBe('MODEL_CORRUPT');
    expect(String((missing as Error).message)).toMatch(/no vocabulary\.json/);
    expect(tf.memory().numTensors).toBe(before);

    // Manifest names another vocabulary hash than the file's (both files consistently hashed).
    const other = path.join(root.dir, 'other-vocab');
    await cp(modelDir, other, { recursive: true });
    expect(await readdir(other)).toContain('manifest.json');
    const manifestFile = path.join(other, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    manifest.vocabularyHash = 'f'.repeat(64);
    await writeFile(manifestFile, JSON.stringify(manifest));
    const mismatch = await loadPredictor(other).catch((e: unknown) => e);
    expect(isNewscellError(mismatch) && mismatch.code).toBe('MODEL_MISMATCH');
    expect(String((mismatch as Error).message)).toMatch(/vocabulary\.json has hash/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
