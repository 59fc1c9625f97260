import type {
  Alias,
  ComparisonCancel,
  ComparisonRequest,
  ComparisonView,
  ModelDetail,
  ModelList,
  ModelSummary,
  PredictResponse,
  TrainingJobCancel,
  TrainingJobData,
  TrainingJobList,
  TrainingJobView,
} from '@newscell/contracts';
import { ApiRequestError, errorFromResponse } from './api-error.js';
import { readApiKey } from './api-key.js';

/** Headers of every call: the key from the page, when one was entered. */
export function authHeaders(): Record<string, string> {
  const key = readApiKey();
  return key === '' ? {} : { authorization: `Bearer ${key}` };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...authHeaders(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiRequestError(
      0,
      'NETWORK',
      `could not reach the API (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()) as T;
}

/** Models shown at most: enough for a comparison, few enough to fetch every detail. */
export const MAX_MODELS = 200;

/** Every model of the registry (newest first), page by page up to {@link MAX_MODELS}. */
export async function listModels(): Promise<ModelSummary[]> {
  const items: ModelSummary[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const page: ModelList = await call<ModelList>('GET', `/v1/models?${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < MAX_MODELS);
  return items;
}

export const getModel = (id: string) =>
  call<ModelDetail>('GET', `/v1/models/${encodeURIComponent(id)}`);

export const predict = (modelId: string, texts: string[]) =>
  call<PredictResponse>('POST', `/v1/models/${encodeURIComponent(modelId)}/predict`, { texts });

export const listJobs = (limit = 20) =>
  call<TrainingJobList>('GET', `/v1/training-jobs?limit=${limit}`);

export const startJob = (data: TrainingJobData) =>
  call<TrainingJobView>('POST', '/v1/training-jobs', data);

export const cancelJob = (id: string) =>
  call<TrainingJobCancel>('DELETE', `/v1/training-jobs/${encodeURIComponent(id)}`);

export const startComparison = (request: ComparisonRequest) =>
  call<ComparisonView>('POST', '/v1/comparisons', request);

export const getComparison = (id: string) =>
  call<ComparisonView>('GET', `/v1/comparisons/${encodeURIComponent(id)}`);

export const cancelComparison = (id: string) =>
  call<ComparisonCancel>('DELETE', `/v1/comparisons/${encodeURIComponent(id)}`);

/** Points an alias at a model; `default` is the model `POST /v1/predict` answers with. */
export const setAlias = (name: string, modelId: string) =>
  call<Alias>('PUT', `/v1/aliases/${encodeURIComponent(name)}`, { modelId });

/** GET of any path, for panels whose routes may not exist yet (they check `routeMissing`). */
export const getJson = <T>(path: string) => call<T>('GET', path);
