import { initBackend, loadPredictor, type TopicPrediction } from '@newscell/models';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram } from 'prom-client';
import { AliasStore } from '../../models/alias-store.js';
import { ModelRegistry } from '../../models/model-registry.js';
import { ModelService } from '../../models/model-service.js';
import { PredictionBatcher } from '../../models/prediction-batcher.js';
import { PredictorCache } from '../../models/predictor-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    models: ModelService;
    /** Loaded models (exposed for tests and the metrics plugin). */
    predictors: PredictorCache;
  }
}

export interface ModelServingOptions {
  modelsDir: string;
  serving: {
    /** Models kept loaded. */
    cacheModels: number;
    /** Micro-batch window. */
    batchWindowMs: number;
    /** Texts per model call. */
    batchMaxTexts: number;
    /** How stale the predict path's view of registry and aliases may be. */
    registryRecheckMs: number;
  };
}

/**
 * The model registry (`MODELS_DIR`), its aliases, the loaded-model cache and the micro-batcher,
 * plus their Prometheus metrics. Chooses the TensorFlow.js backend once, at start.
 */
async function modelServing(app: FastifyInstance, options: ModelServingOptions): Promise<void> {
  await initBackend({ log: (message) => app.log.info(message) });
  const registry = new ModelRegistry(options.modelsDir, (id, error) =>
    app.log.warn({ model: id, err: (error as Error).message }, 'model left out of the listing'),
  );
  const { registry: metricsRegistry } = app.metrics;
  const predictionsTotal = new Counter({
    name: 'newscell_predictions_total',
    help: 'Texts classified, by model and predicted label',
    labelNames: ['model', 'label'] as const,
    registers: [metricsRegistry],
  });
  const batchSize = new Histogram({
    name: 'newscell_prediction_batch_size',
    help: 'Texts per model call after micro-batching',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [metricsRegistry],
  });
  const loadedModels = new Gauge({
    name: 'newscell_loaded_models',
    help: 'Models loaded in the predictor cache',
    registers: [metricsRegistry],
    collect() {
      this.set(predictors.ids().length);
    },
  });
  void loadedModels;

  const predictors = new PredictorCache({
    maxModels: options.serving.cacheModels,
    load: (id) => loadPredictor(registry.dirOf(id)),
    onEvict: (id) => app.log.info({ model: id }, 'model unloaded'),
  });
  const run = async (id: string, texts: string[]): Promise<TopicPrediction[]> => {
    const record = await registry.get(id, { maxAgeMs: options.serving.registryRecheckMs });
    let predictor = await predictors.get(id);
    // The directory was replaced under the same id (a retried job): load the new model.
    if (predictor.manifest.created !== record.manifest.created) {
      predictors.evict(id);
      predictor = await predictors.get(id);
    }
    const predictions = predictor.predict(texts);
    for (const p of predictions) predictionsTotal.inc({ model: id, label: p.label });
    return predictions;
  };
  const batcher = new PredictionBatcher({
    run,
    windowMs: options.serving.batchWindowMs,
    maxBatchTexts: options.serving.batchMaxTexts,
    onBatch: (_id, texts) => batchSize.observe(texts),
  });
  const service = new ModelService({
    registry,
    aliases: new AliasStore(options.modelsDir),
    predictors,
    batcher,
    recheckMs: options.serving.registryRecheckMs,
  });
  app.decorate('models', service);
  app.decorate('predictors', predictors);
  app.addHook('onClose', async () => {
    await predictors.clear();
  });
}

export default fp(modelServing, { name: 'model-serving', dependencies: ['metrics'] });
