import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run test:faults` sets `NEWSCELL_FAULTS=full`: the fault tests then run at full size (three
 * worker kills, twenty jobs…). Without it (the normal worker test run, CI) they run a short form.
 */
export const FULL_FAULTS = process.env.NEWSCELL_FAULTS === 'full';

const resultsFile = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test-results',
  'faults.jsonl',
);

/** Appends what a fault test measured (kills, epochs redone, times) as one JSON line. */
export function recordFaultResult(name: string, figures: Record<string, unknown>): void {
  mkdirSync(dirname(resultsFile), { recursive: true });
  const line = {
    name,
    mode: FULL_FAULTS ? 'full' : 'short',
    at: new Date().toISOString(),
    ...figures,
  };
  appendFileSync(resultsFile, `${JSON.stringify(line)}\n`);
  console.info(`fault result: ${JSON.stringify(line)}`);
}
