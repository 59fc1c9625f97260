import type { ModelDetail, ModelSummary } from '@newscell/contracts';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { getModel, listModels } from '../api/api-client.js';
import { ApiRequestError, describeError } from '../api/api-error.js';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  /** The API answered 404 for the route: it predates the feature. */
  | { status: 'missing'; message: string }
  | { status: 'error'; message: string };

export interface Registry {
  models: Loadable<ModelSummary[]>;
  details: ReadonlyMap<string, ModelDetail>;
  detailErrors: ReadonlyMap<string, string>;
  reload: () => void;
}

const DETAIL_CONCURRENCY = 4;

/**
 * The model registry: every summary, then every model's detail (history, confusion matrix,
 * training-set size), fetched a few at a time so a large registry does not flood the API.
 */
export function useRegistry(apiKey: string): Registry {
  const [models, setModels] = useState<Loadable<ModelSummary[]>>({ status: 'loading' });
  const [details, setDetails] = useState<ReadonlyMap<string, ModelDetail>>(new Map());
  const [detailErrors, setDetailErrors] = useState<ReadonlyMap<string, string>>(new Map());
  // A saved model does not change: its detail is fetched once per page load.
  const fetched = useRef(new Map<string, ModelDetail>());
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let stale = false;
    listModels().then(
      async (items) => {
        if (stale) return;
        setModels({ status: 'ready', value: items });
        setDetailErrors(new Map());
        const queue = items.map((m) => m.id).filter((id) => !fetched.current.has(id));
        const worker = async () => {
          for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
            try {
              const detail = await getModel(id);
              fetched.current.set(id, detail);
              if (stale) return;
              setDetails((d) => new Map(d).set(id, detail));
            } catch (error) {
              if (stale) return;
              setDetailErrors((e) => new Map(e).set(id as string, describeError(error)));
            }
          }
        };
        await Promise.all(Array.from({ length: DETAIL_CONCURRENCY }, worker));
      },
      (error: unknown) => {
        if (stale) return;
        if (error instanceof ApiRequestError && error.routeMissing)
          setModels({
            status: 'missing',
            message: 'This API has no model routes yet (GET /v1/models answered 404).',
          });
        else setModels({ status: 'error', message: describeError(error) });
      },
    );
    return () => {
      stale = true;
    };
  }, [generation, apiKey]);

  return { models, details, detailErrors, reload };
}

/** Training rows the model learned from, from the data summary the worker saved with it. */
export function trainingRows(detail: ModelDetail | undefined): number | null {
  const data = detail?.data as { counts?: { train?: unknown } } | null | undefined;
  const rows = data?.counts?.train;
  return typeof rows === 'number' ? rows : null;
}
