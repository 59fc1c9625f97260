import type { CellType, ComparisonRequest } from '@newscell/contracts';

/** Most seeds one comparison may ask for (contracts' `ComparisonRequestSchema`). */
export const MAX_SEEDS = 10;

/**
 * Reads "1, 2, 3" (commas or spaces) as distinct non-negative integer seeds, or says in words
 * what is wrong with the text, so a typo is caught before the API's schema error.
 */
export function parseSeeds(text: string): { seeds: number[] } | { problem: string } {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) return { problem: 'Seeds: enter at least one, e.g. "1, 2, 3"' };
  const seeds: number[] = [];
  for (const part of parts) {
    const seed = /^\d+$/.test(part) ? Number(part) : Number.NaN;
    if (!Number.isSafeInteger(seed) || seed > 2 ** 31 - 1)
      return { problem: `Seeds: "${part}" is not a whole number from 0 to 2147483647` };
    if (seeds.includes(seed)) return { problem: `Seeds: ${seed} is listed twice` };
    seeds.push(seed);
  }
  if (seeds.length > MAX_SEEDS)
    return { problem: `Seeds: at most ${MAX_SEEDS} (got ${seeds.length})` };
  return { seeds };
}

const optionalInteger = (value: string): number | undefined =>
  value.trim() === '' ? undefined : Number(value);

/** The compare form as a request; empty fields are left out so the worker's defaults apply. */
export function comparisonFromForm(
  form: FormData,
): { request: ComparisonRequest } | { problem: string } {
  const field = (name: string) => String(form.get(name) ?? '');
  const cells = form.getAll('cells').map(String) as CellType[];
  if (cells.length < 2)
    return { problem: `Cells: tick at least two to compare (ticked ${cells.length})` };
  const parsed = parseSeeds(field('seeds'));
  if ('problem' in parsed) return parsed;
  const epochs = optionalInteger(field('epochs'));
  const trainPerClass = optionalInteger(field('trainPerClass'));
  const testPerClass = optionalInteger(field('testPerClass'));
  const name = field('name').trim();
  const data = {
    ...(trainPerClass === undefined ? {} : { trainPerClass }),
    ...(testPerClass === undefined ? {} : { testPerClass }),
  };
  return {
    request: {
      ...(name === '' ? {} : { name }),
      cells,
      seeds: parsed.seeds,
      ...(epochs === undefined ? {} : { training: { epochs } }),
      ...(Object.keys(data).length === 0 ? {} : { data }),
    },
  };
}
