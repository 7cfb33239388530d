/** Plain text tables and percentages for the reports the CLI prints. */

/** Rows as text lines, columns padded to their widest cell. */
export function textTable(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** A share as a percentage with one decimal; `-` for none. */
export const percent = (rate: number | null) => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);

/** A difference of shares in percentage points; `-` for none. */
export const points = (uplift: number | null) => (uplift === null ? '-' : `${(100 * uplift).toFixed(1)} pt`);
