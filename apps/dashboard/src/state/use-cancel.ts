import { useState } from 'preact/hooks';
import { describeError } from '../api/api-error.js';

/**
 * A cancel button's state: `cancel()` runs `request` once, `cancelling` stays true while it runs
 * and after it succeeds (the job's own state then says what happened), and a failure becomes
 * `problem` in words with the button usable again. Used by training jobs and comparison runs.
 */
export function useCancel(request: () => Promise<unknown>): {
  cancel: () => Promise<void>;
  cancelling: boolean;
  problem: string | null;
} {
  const [problem, setProblem] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const cancel = async () => {
    setCancelling(true);
    try {
      await request();
    } catch (error) {
      setProblem(describeError(error));
      setCancelling(false);
    }
  };
  return { cancel, cancelling, problem };
}
