import { InvalidArgumentError } from 'commander';

/** Commander parser for a whole number (`--epochs 3`); anything else is a usage error naming it. */
export function integerOption(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) {
    throw new InvalidArgumentError(`expected a whole number, got '${value}'.`);
  }
  return Number.parseInt(value, 10);
}

/** Commander parser for a number (`--dropout 0.3`). */
export function numberOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number, got '${value}'.`);
  }
  return n;
}
