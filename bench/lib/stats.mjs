// Small statistics and formatting helpers for the benchmark tables.
import { loadavg } from 'node:os';

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** A number with `digits` decimals, or '—' when there is none. */
export function fmt(x, digits = 1) {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

export function mib(bytes) {
  return fmt(bytes / 2 ** 20, 0);
}

/** The 1-minute load average, to print beside every timing. */
export function load() {
  return loadavg()[0];
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
