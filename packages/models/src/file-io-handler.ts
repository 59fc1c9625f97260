import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NewscellError } from '@newscell/contracts';
import type { io } from '@tensorflow/tfjs-core';
import { tf } from './tfjs.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A `tf.io` handler reading and writing `model.json` + `weights.bin` (the TensorFlow.js Layers
 * format) in `dir` with `node:fs`: tfjs-node's `file://` handler is not available without
 * tfjs-node. Use with `model.save(handler)` and `tfl.loadLayersModel(handler)`.
 */
export function fileSystemModelHandler(dir: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new NewscellError(
          'INVALID_ARGUMENT',
          'only Layers models (JSON topology) can be saved',
        );
      }
      const weights =
        artifacts.weightData === undefined
          ? new ArrayBuffer(0)
          : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      await writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<io.ModelArtifacts> {
      const jsonPath = path.join(dir, MODEL_JSON);
      const modelJson = parseModelJson(jsonPath, await readFile(jsonPath, 'utf8'));
      const bytes = await readFile(path.join(dir, WEIGHTS_BIN));
      const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
      const expected = weightSpecs.reduce(
        (sum, spec) =>
          sum + spec.shape.reduce((a, b) => a * b, 1) * (spec.dtype === 'bool' ? 1 : 4),
        0,
      );
      if (bytes.byteLength !== expected) {
        throw new NewscellError(
          'MODEL_CORRUPT',
          `${path.join(dir, WEIGHTS_BIN)} has ${bytes.byteLength} bytes but ${MODEL_JSON} describes ${expected}`,
          { details: { file: WEIGHTS_BIN, bytes: bytes.byteLength, expected } },
        );
      }
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
      };
    },
  };
}

function parseModelJson(file: string, text: string): io.ModelJSON {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NewscellError(
      'MODEL_CORRUPT',
      `${file} is not valid JSON: ${(error as Error).message}`,
      {
        details: { file: MODEL_JSON },
      },
    );
  }
  const json = parsed as Partial<io.ModelJSON> | null;
  if (
    json === null ||
    typeof json !== 'object' ||
    json.modelTopology == null ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new NewscellError('MODEL_CORRUPT', `${file} lacks modelTopology or weightsManifest`, {
      details: { file: MODEL_JSON },
    });
  }
  for (const group of json.weightsManifest) {
    if (group.paths.length !== 1 || group.paths[0] !== WEIGHTS_BIN) {
      throw new NewscellError(
        'MODEL_CORRUPT',
        `${file} points at weight files ${JSON.stringify(group.paths)}; expected ["${WEIGHTS_BIN}"]`,
        { details: { file: MODEL_JSON } },
      );
    }
  }
  return json as io.ModelJSON;
}
