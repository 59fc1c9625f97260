export const percent = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;

export const count = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : Math.round(x).toLocaleString('en-US');

export const seconds = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : x < 10 ? `${x.toFixed(1)} s` : `${Math.round(x)} s`;

export const milliseconds = (x: number | null | undefined) =>
  x === null || x === undefined ? '—' : `${x < 1 ? x.toFixed(2) : x.toFixed(1)} ms`;
