import { buildClassifier, type ClassifierModel, LAYER_NAMES } from '../build-classifier.js';
import type { RecurrentImplementation } from '../classifier-config.js';

/**
 * The same classifier rebuilt with the other recurrent implementation: fused and tfjs-layers
 * recurrent layers hold the same weights in the same order, so they are copied position by
 * position. Use it to run a model saved with one implementation on the other (a saved model
 * loads as whichever it was saved with). The input classifier is left as it was.
 */
export function withRecurrentImplementation(
  classifier: ClassifierModel,
  implementation: RecurrentImplementation,
): ClassifierModel {
  const config = { ...classifier.config, recurrentImplementation: implementation };
  const embeddings =
    config.embeddingInit === 'pretrained'
      ? (classifier.model.getLayer(LAYER_NAMES.embedding).getWeights()[0]?.dataSync() as
          | Float32Array
          | undefined)
      : undefined;
  const rebuilt = buildClassifier(config, embeddings === undefined ? {} : { embeddings });
  const weights = classifier.model.getWeights();
  rebuilt.model.setWeights(weights);
  return rebuilt;
}
