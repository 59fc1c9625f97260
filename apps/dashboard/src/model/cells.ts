import type { CellType } from '@newscell/contracts';

/**
 * The cell types in the order the API lists them. A copy of contracts' CELL_TYPES because
 * importing a value from contracts would bundle its schema library into the page;
 * test/cells.test.ts fails when the two differ.
 */
export const CELLS = ['rnn', 'lstm', 'gru', 'bow'] as const satisfies readonly CellType[];

/** One colour per cell, the same in every chart (Okabe–Ito, readable with colour blindness). */
export const CELL_COLOURS: Record<CellType, string> = {
  rnn: '#E69F00',
  lstm: '#0072B2',
  gru: '#009E73',
  bow: '#CC79A7',
};

/** The AG News topics in class-index order (contracts' AG_NEWS_LABELS; checked by the same test). */
export const TOPICS = ['World', 'Sports', 'Business', 'Sci/Tech'] as const;
