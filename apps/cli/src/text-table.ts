/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

export interface TextTableOptions {
  /** Column titles, underlined by a rule. @defaultValue none */
  header?: readonly string[];
  /** Per column. @defaultValue `'left'` */
  align?: readonly Align[];
}

/**
 * Formats rows as an aligned plain-text table for a terminal. Cells are strings already (the
 * caller decides how many digits a number deserves).
 */
export function textTable(
  rows: readonly (readonly string[])[],
  options: TextTableOptions = {},
): string {
  const { header, align = [] } = options;
  const all = header === undefined ? rows : [header, ...rows];
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(0, ...all.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    widths
      .map((width, i) => {
        const cell = cells[i] ?? '';
        return align[i] === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const body = rows.map(line);
  if (header === undefined) return body.join('\n');
  return [
    line(header),
    widths
      .map((w) => '-'.repeat(w))
      .join('  ')
      .trimEnd(),
    ...body,
  ].join('\n');
}

/** `0.8734` → `87.34%`; `-` for a missing figure. */
export function percent(value: number | null | undefined, digits = 2): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? `${(value * 100).toFixed(digits)}%`
    : '-';
}
