import type { TrainingJobView } from '@newscell/contracts';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { listJobs } from '../api/api-client.js';
import { ApiRequestError, describeError } from '../api/api-error.js';
import { followJobEvents } from '../api/job-event-source.js';
import type { Loadable } from './use-registry.js';

const POLL_MS = 5000;
const isLive = (job: TrainingJobView) => job.state === 'queued' || job.state === 'active';

export interface Jobs {
  jobs: Loadable<TrainingJobView[]>;
  /** Puts a job the page just created at the top and starts following it. */
  add: (job: TrainingJobView) => void;
  reload: () => void;
}

/**
 * The newest training jobs: listed every few seconds (jobs others started appear), and each
 * queued or active one followed over its event stream, so progress bars and learning curves move
 * with every report. `onFinished` runs when a followed job ends (a new model may exist).
 */
export function useJobs(apiKey: string, onFinished: () => void): Jobs {
  const [jobs, setJobs] = useState<Loadable<TrainingJobView[]>>({ status: 'loading' });
  const streams = useRef(new Map<string, AbortController>());
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const upsert = useCallback((job: TrainingJobView) => {
    setJobs((current) => {
      const list = current.status === 'ready' ? current.value : [];
      const index = list.findIndex((j) => j.id === job.id);
      const next = index === -1 ? [job, ...list] : list.map((j, i) => (i === index ? job : j));
      return { status: 'ready', value: next };
    });
  }, []);

  const follow = useCallback(
    (job: TrainingJobView) => {
      if (!isLive(job) || streams.current.has(job.id)) return;
      const controller = new AbortController();
      streams.current.set(job.id, controller);
      let view = job;
      followJobEvents(
        job.id,
        (event) => {
          if (event.type === 'progress') {
            view = { ...view, state: 'active', progress: event.data, history: event.data.history };
            upsert(view);
          } else if (event.type === 'removed') {
            view = { ...view, state: 'cancelled' };
            upsert(view);
          } else {
            view = event.data;
            upsert(view);
            if (event.type !== 'snapshot') finished.current();
          }
        },
        controller.signal,
      )
        .catch(() => {
          // The list poll below still shows the job's state; the stream is a nicety on top.
        })
        .finally(() => streams.current.delete(job.id));
    },
    [upsert],
  );

  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let stale = false;
    const poll = async () => {
      try {
        const list = await listJobs(20);
        if (stale) return;
        setJobs((current) => {
          // Keep the streamed view of a followed job: it is newer than the list's.
          const known = current.status === 'ready' ? current.value : [];
          const merged = list.items.map((job) => {
            const seen = known.find((k) => k.id === job.id);
            return seen !== undefined && streams.current.has(job.id) && isLive(job) ? seen : job;
          });
          // Unchanged jobs keep the same array, so nothing that draws them redraws.
          if (current.status === 'ready' && JSON.stringify(merged) === JSON.stringify(known))
            return current;
          return { status: 'ready', value: merged };
        });
        for (const job of list.items) follow(job);
      } catch (error) {
        if (stale) return;
        setJobs(
          error instanceof ApiRequestError && error.routeMissing
            ? { status: 'missing', message: 'This API has no training-job routes.' }
            : { status: 'error', message: describeError(error) },
        );
      }
    };
    void poll();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void poll();
    }, POLL_MS);
    return () => {
      stale = true;
      clearInterval(timer);
    };
  }, [generation, apiKey, follow]);

  useEffect(() => {
    const open = streams.current;
    return () => {
      for (const controller of open.values()) controller.abort();
    };
  }, []);

  const add = useCallback(
    (job: TrainingJobView) => {
      upsert(job);
      follow(job);
    },
    [upsert, follow],
  );

  return { jobs, add, reload };
}
