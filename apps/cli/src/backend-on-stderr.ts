import { type BackendInfo, initBackend } from '@newscell/models';

/**
 * Picks the TensorFlow.js backend before any work, saying which on stderr: stdout carries only
 * results, so `--json` output stays parseable.
 */
export function initBackendOnStderr(): Promise<BackendInfo> {
  return initBackend({ log: (message) => process.stderr.write(`${message}\n`) });
}
