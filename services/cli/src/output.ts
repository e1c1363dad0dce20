/** Printing data as an aligned table or as JSON, the two `--output` formats. */
import type { Writable } from 'node:stream';

/** A table: column headers and rows of cells. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | boolean | null | undefined)[])[];
}

/** Renders a table with columns padded to their widest cell. */
export function renderTable(t: Table): string {
  const cells = [t.columns.map(String), ...t.rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = t.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Writes `data` as JSON (`--output json`) or as the table `toTable(data)` builds. */
export function printData<T>(out: Writable, format: 'table' | 'json', data: T, toTable: (d: T) => Table | string): void {
  if (format === 'json') {
    out.write(`${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
    return;
  }
  const t = toTable(data);
  out.write(typeof t === 'string' ? (t.endsWith('\n') ? t : `${t}\n`) : renderTable(t));
}
