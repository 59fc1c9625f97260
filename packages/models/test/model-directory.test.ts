import { appendFile, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isNewscellError } from '@newscell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendInfo } from '../src/backend.js';
import { buildClassifier, type ClassifierModel } from '../src/build-classifier.js';
import { evaluateClassifier, predictProbabilities } from '../src/evaluate-classifier.js';
import { loadClassifier, readPredictions, saveClassifier } from '../src/model-directory.js';
import { tf } from '../src/tfjs.js';
import { syntheticTopics, tempDir, useBackend } from './helpers.js';

const data = syntheticTopics({ n: 12, maxLength: 6 });
let backend: BackendInfo;
let root: { dir: string; cleanup: () => Promise<void> };
let classifier: ClassifierModel;

const saveOptions = () => ({
  backend,
  vocabularyHash: 'vocab-abc',
  datasetSplitHash: 'split-123',
  vocabulary: { tokens: ['<pad>', '<unk>', 'world'] },
  tokenizerOptions: { lowercase: true },
  metrics: { accuracy: 0.5 },
});

async function expectLoadError(dir: string, code: string, pattern: RegExp) {
  const error = await loadClassifier(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNewscellError(error), String(error)).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  expect((error as Error).message).toMatch(pattern);
}

beforeAll(async () => {
  backend = await useBackend('wasm');
  root = await tempDir();
  classifier = buildClassifier({
    cell: 'gru',
    pooling: 'mean',
    vocabSize: data.vocabSize,
    embeddingDim: 4,
    hiddenUnits: 3,
    maxLength: 6,
    layers: 2,
  });
});

afterAll(async () => {
  classifier.model.dispose();
  await root.cleanup();
});

describe('saveClassifier / loadClassifier', () => {
  it('round-trips topology, weights, config and the opaque JSON files', async () => {
    const dir = path.join(root.dir, 'roundtrip');
    const { predictions } = evaluateClassifier(classifier, data);
    const manifest = await saveClassifier(dir, classifier, {
      ...saveOptions(),
      id: 'gru-test',
      predictions,
    });
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'manifest.json',
      'metrics.json',
      'model.json',
      'predictions.json',
      'tokenizer.json',
      'vocabulary.json',
      'weights.bin',
    ]);
    expect(manifest).toMatchObject({
      id: 'gru-test',
      cell: 'gru',
      vocabularyHash: 'vocab-abc',
      datasetSplitHash: 'split-123',
      packageVersion: '0.1.0',
    });
    expect(manifest.backend).toEqual({ name: 'wasm', version: '4.22.0', coreVersion: '4.22.0' });
    expect(Object.keys(manifest.files).sort()).toEqual([
      'config.json',
      'metrics.json',
      'model.json',
      'predictions.json',
      'tokenizer.json',
      'vocabulary.json',
      'weights.bin',
    ]);
    expect(manifest.files['weights.bin']?.bytes).toBe(classifier.model.countParams() * 4);
    // No temp sibling is left behind.
    expect((await readdir(root.dir)).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const loaded = await loadClassifier(dir, { vocabularyHash: 'vocab-abc' });
    expect(loaded.classifier.config).toEqual(classifier.config);
    expect(loaded.manifest).toEqual(manifest);
    expect(loaded.vocabulary).toEqual(saveOptions().vocabulary);
    expect(loaded.tokenizerOptions).toEqual({ lowercase: true });
    expect(loaded.metrics).toEqual({ accuracy: 0.5 });
    expect(Array.from(predictProbabilities(loaded.classifier, data.ids))).toEqual(
      Array.from(predictProbabilities(classifier, data.ids)),
    );
    const stored = await readPredictions(dir);
    expect(stored?.predicted).toEqual(predictions.predicted);
    expect(stored?.probabilities).toEqual(predictions.probabilities);
    loaded.classifier.model.dispose();
  });

  it('refuses to overwrite unless asked, and then swaps atomically', async () => {
    const dir = path.join(root.dir, 'exists');
    await saveClassifier(dir, classifier, { ...saveOptions(), id: 'first' });
    await expect(saveClassifier(dir, classifier, saveOptions())).rejects.toThrow(/already exists/);
    await saveClassifier(dir, classifier, { ...saveOptions(), id: 'second', overwrite: true });
    expect(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')).id).toBe('second');
    expect(
      (await readdir(root.dir)).filter((n) => n.includes('.tmp-') || n.includes('.old-')),
    ).toEqual([]);
  });

  it('leaves nothing behind when writing fails', async () => {
    const dir = path.join(root.dir, 'fails');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(
      saveClassifier(dir, classifier, { ...saveOptions(), metrics: cyclic }),
    ).rejects.toThrow(/circular/);
    expect((await readdir(root.dir)).filter((n) => n.startsWith('fails'))).toEqual([]);
  });

  describe('refuses damaged directories, naming the file', () => {
    const fresh = async (name: string) => {
      const dir = path.join(root.dir, name);
      await saveClassifier(dir, classifier, saveOptions());
      return dir;
    };

    it('missing directory', async () => {
      await expectLoadError(path.join(root.dir, 'nope'), 'MODEL_NOT_FOUND', /does not exist/);
    });
    it('missing manifest (a half-copied directory)', async () => {
      const dir = await fresh('no-manifest');
      await rm(path.join(dir, 'manifest.json'));
      await expectLoadError(dir, 'MODEL_CORRUPT', /manifest\.json cannot be read/);
    });
    it('truncated weights', async () => {
      const dir = await fresh('truncated');
      await truncate(path.join(dir, 'weights.bin'), 10);
      await expectLoadError(
        dir,
        'MODEL_CORRUPT',
        /weights\.bin has 10 bytes but manifest\.json says \d+ \(truncated/,
      );
    });
    it('flipped byte', async () => {
      const dir = await fresh('flipped');
      const file = path.join(dir, 'model.json');
      const text = await readFile(file, 'utf8');
      // Same size, one byte different: only the hash can tell.
      await writeFile(file, text.replace(/.$/, ' '));
      await expectLoadError(dir, 'MODEL_CORRUPT', /model\.json sha256 [0-9a-f]{64} does not match/);
    });
    it('a file listed but deleted', async () => {
      const dir = await fresh('deleted');
      await rm(path.join(dir, 'vocabulary.json'));
      await expectLoadError(
        dir,
        'MODEL_CORRUPT',
        /vocabulary\.json is listed in manifest\.json but missing/,
      );
    });
    it('a grown file', async () => {
      const dir = await fresh('grown');
      await appendFile(path.join(dir, 'config.json'), ' ');
      await expectLoadError(
        dir,
        'MODEL_CORRUPT',
        /config\.json has \d+ bytes but manifest\.json says/,
      );
    });
    it('a manifest that is not JSON', async () => {
      const dir = await fresh('bad-manifest');
      await writeFile(path.join(dir, 'manifest.json'), '{"formatVersion": 1,');
      await expectLoadError(dir, 'MODEL_CORRUPT', /manifest\.json is not valid JSON/);
    });
    it('another vocabulary', async () => {
      const dir = await fresh('other-vocab');
      const error = await loadClassifier(dir, { vocabularyHash: 'vocab-xyz' }).catch(
        (e: unknown) => e,
      );
      expect((error as { code: string }).code).toBe('MODEL_MISMATCH');
      expect((error as Error).message).toMatch(/trained with vocabulary vocab-abc, not vocab-xyz/);
    });
    it('a config that disagrees with the weights (consistent hashes)', async () => {
      const dir = await fresh('mismatch');
      const configFile = path.join(dir, 'config.json');
      const config = JSON.parse(await readFile(configFile, 'utf8'));
      await writeFile(configFile, JSON.stringify({ ...config, vocabSize: 99 }));
      const manifestFile = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
      const { digest } = await import('../src/model-manifest.js');
      manifest.files['config.json'] = digest(await readFile(configFile));
      await writeFile(manifestFile, JSON.stringify(manifest));
      const before = tf.memory().numTensors;
      await expectLoadError(
        dir,
        'MODEL_MISMATCH',
        /weights\.bin holds \d+ weights but config\.json describes \d+/,
      );
      expect(tf.memory().numTensors).toBe(before);
    });
    it.each([
      ['an embedding far larger than config.json', 'Embedding', 'input_dim', 4_000_000_000],
      ['a wider output layer', 'Dense', 'units', 1_000_000],
      ['recurrent layers wider than config.json', 'NewscellFusedRecurrent', 'units', 1_000_000],
    ])(
      'a topology claiming %s, before TensorFlow.js allocates it',
      async (_n, layerClass, field, value) => {
        const dir = await fresh(`huge-${field}-${layerClass}`);
        await rewriteModelJson(dir, (layer) => {
          const inner = (
            layer.class_name === 'Bidirectional' ? layer.config.layer : layer
          ) as Layer;
          if (inner.class_name === layerClass) inner.config[field] = value;
        });
        const before = tf.memory().numTensors;
        await expectLoadError(
          dir,
          'MODEL_MISMATCH',
          new RegExp(`model\\.json: layer \\S+ ${field} ${value} ≠ config\\.json`),
        );
        expect(tf.memory().numTensors).toBe(before);
      },
    );
    it('a layer class newscell never writes', async () => {
      const dir = await fresh('conv');
      await rewriteModelJson(dir, (layer) => {
        if (layer.class_name === 'Dropout') layer.class_name = 'Conv1D';
      });
      await expectLoadError(
        dir,
        'MODEL_CORRUPT',
        /layer dropout is a Conv1D, which newscell never writes/,
      );
    });
  });

  it('only reads: a directory mid-swap is not found, and the writer’s .old- sibling stays put', async () => {
    const dir = path.join(root.dir, 'mid-swap');
    await saveClassifier(dir, classifier, saveOptions());
    // A writer's overwrite between its two renames: the old directory moved aside.
    const aside = `${dir}.old-4242-abcd`;
    await rename(dir, aside);
    await expectLoadError(dir, 'MODEL_NOT_FOUND', /mid-swap/);
    const names = await readdir(root.dir);
    expect(names).toContain('mid-swap.old-4242-abcd');
    expect(names).not.toContain('mid-swap');
    // The next write to that directory puts the last complete version back first, then replaces it.
    await saveClassifier(dir, classifier, { ...saveOptions(), overwrite: true });
    expect((await readdir(root.dir)).filter((n) => n.startsWith('mid-swap'))).toEqual(['mid-swap']);
  });
});

type Layer = { class_name: string; config: Record<string, unknown> & { layer?: unknown } };

/** Edits every layer of `model.json` and updates its hash in the manifest (a consistent, hostile directory). */
async function rewriteModelJson(dir: string, edit: (layer: Layer) => void): Promise<void> {
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(await readFile(file, 'utf8'));
  for (const layer of json.modelTopology.config.layers as Layer[]) edit(layer);
  await writeFile(file, JSON.stringify(json));
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  const { digest } = await import('../src/model-manifest.js');
  manifest.files['model.json'] = digest(await readFile(file));
  await writeFile(manifestFile, JSON.stringify(manifest));
}
