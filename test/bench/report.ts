// The benchmark's table: one row per figure with its median, range, the baseline measured in the
// same run, the ratio against it, the goal and whether it was met.
import type { Summary } from './stats';

export type Unit = 'ms' | 'bytes' | 'ops/s' | 'MB';

export interface Row {
  readonly section: string;
  readonly figure: string;
  readonly unit: Unit;
  /** Undefined: not measured (see `note`). */
  readonly value: Summary | undefined;
  readonly baseline?: { readonly name: string; readonly median: number | undefined };
  /** Already formatted, e.g. "5.1× (+9.8 ms)". */
  readonly ratio?: string;
  readonly ratioValue?: number;
  readonly goal?: string;
  /** Undefined when the figure has no goal or was not measured. */
  readonly met?: boolean;
  readonly note?: string;
}

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined || !Number.isFinite(value)) {
    return 'n/a';
  }
  switch (unit) {
    case 'ms':
      return `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} ms`;
    case 'bytes':
      return value >= 1024 ? `${(value / 1024).toFixed(1)} KB` : `${Math.round(value)} B`;
    case 'ops/s':
      return `${Math.round(value).toLocaleString('en-US')}/s`;
    case 'MB':
      return `${(value / (1024 * 1024)).toFixed(1)} MB`;
  }
}

export function ratioText(value: number | undefined, baseline: number | undefined): string | undefined {
  if (
    value === undefined ||
    baseline === undefined ||
    !Number.isFinite(value) ||
    !Number.isFinite(baseline) ||
    baseline === 0
  ) {
    return undefined;
  }
  const ratio = value / baseline;
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

const HEADERS = ['Figure', 'Median', 'Min', 'Max', 'Baseline (median)', 'Ratio', 'Goal', 'Met?'] as const;

function cells(row: Row): string[] {
  const baseline =
    row.baseline === undefined ? '—' : `${row.baseline.name} ${formatValue(row.baseline.median, row.unit)}`;
  const met = row.met === undefined ? '—' : row.met ? 'yes' : 'NO';
  if (row.value === undefined) {
    return [row.figure, row.note ?? 'n/a', '', '', baseline, row.ratio ?? '—', row.goal ?? '—', met];
  }
  const single = row.value.n === 1;
  return [
    row.figure,
    formatValue(row.value.median, row.unit),
    single ? '' : formatValue(row.value.min, row.unit),
    single ? '' : formatValue(row.value.max, row.unit),
    baseline,
    row.ratio ?? '—',
    row.goal ?? '—',
    met,
  ];
}

export function renderTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...body.map((line) => (line[column] ?? '').length)),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, column) =>
        column >= 1 && column <= 3 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  const out: string[] = [render(HEADERS), rule];
  let section: string | undefined;
  rows.forEach((row, index) => {
    if (row.section !== section) {
      section = row.section;
      out.push(section);
    }
    out.push(render(body[index] ?? []));
    if (row.value !== undefined && row.note !== undefined) {
      out.push(`    ↳ ${row.note}`);
    }
  });
  return out.join('\n');
}
