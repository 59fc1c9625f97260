import { NewscellError } from '@newscell/contracts';

/** One test item on which the compared models do not all give the same label. */
export interface Disagreement {
  /** Row of the test set. */
  index: number;
  label: number;
  /** Predicted label per model name. */
  predicted: Record<string, number>;
  /** Names of the models that got it right. */
  correct: string[];
}

export interface DisagreementOptions {
  /** @defaultValue 0 */
  offset?: number;
  /** @defaultValue 50 */
  limit?: number;
  /** Only items where exactly this model is right, or exactly this one is wrong. */
  onlyCorrect?: string;
  onlyWrong?: string;
}

/**
 * The items where at least two of `models` predict different labels, in test-set order, one page
 * at a time, with the total so a browser can page through them.
 */
export function disagreements(
  labels: ArrayLike<number>,
  models: Readonly<Record<string, ArrayLike<number>>>,
  options: DisagreementOptions = {},
): { total: number; items: Disagreement[] } {
  const names = Object.keys(models);
  for (const name of names) {
    const predicted = models[name] as ArrayLike<number>;
    if (predicted.length !== labels.length) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `model '${name}' has ${predicted.length} predictions but there are ${labels.length} labels`,
        { details: { field: name, value: predicted.length, expected: labels.length } },
      );
    }
  }
  for (const field of ['onlyCorrect', 'onlyWrong'] as const) {
    const name = options[field];
    if (name !== undefined && !names.includes(name)) {
      throw new NewscellError(
        'INVALID_ARGUMENT',
        `${field}: no model named '${name}' (have ${names.join(', ')})`,
        {
          details: { field, value: name },
        },
      );
    }
  }
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 50;
  const items: Disagreement[] = [];
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const first = (models[names[0] as string] as ArrayLike<number>)[i];
    let differs = false;
    for (const name of names) {
      if ((models[name] as ArrayLike<number>)[i] !== first) {
        differs = true;
        break;
      }
    }
    if (!differs) continue;
    const label = labels[i] as number;
    const correct = names.filter((name) => (models[name] as ArrayLike<number>)[i] === label);
    if (
      options.onlyCorrect !== undefined &&
      !(correct.length === 1 && correct[0] === options.onlyCorrect)
    )
      continue;
    if (
      options.onlyWrong !== undefined &&
      !(correct.length === names.length - 1 && !correct.includes(options.onlyWrong))
    )
      continue;
    total++;
    if (total > offset && items.length < limit) {
      const predicted: Record<string, number> = {};
      for (const name of names) predicted[name] = (models[name] as ArrayLike<number>)[i] as number;
      items.push({ index: i, label, predicted, correct });
    }
  }
  return { total, items };
}
