import { AG_NEWS_LABELS, CELL_TYPES } from '@newscell/contracts';
import { describe, expect, it } from 'vitest';
import { CELLS, TOPICS } from '../src/model/cells.js';

describe("the dashboard's copies of contract lists", () => {
  it('lists the cells and topics exactly as the contracts do', () => {
    expect([...CELLS]).toEqual([...CELL_TYPES]);
    expect([...TOPICS]).toEqual([...AG_NEWS_LABELS]);
  });
});
