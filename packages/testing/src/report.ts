// A model's report as text: one line per property (passed, failed or skipped, and why), a failure's
// reproducing command under it.
import type { ModelReport, PropertyResult } from './run.js';

function line(r: PropertyResult, width: number): string {
  const head = `  ${r.status.padEnd(7)} ${r.property.padEnd(width)}`;
  switch (r.status) {
    case 'passed':
      return `${head}  ${r.claim} (${r.runs} ${r.runs === 1 ? 'case' : 'cases'})`;
    case 'skipped':
      return `${head}  ${r.reason}`;
    case 'failed':
      return `${head}  ${r.reason}\n  ${' '.repeat(8 + width)}  reproduce: ${r.command}`;
    default: {
      const never: never = r.status;
      return never;
    }
  }
}

export function formatReport(report: ModelReport): string {
  const width = Math.max(...report.results.map((r) => r.property.length));
  const shrunk = Object.entries(report.shrunk)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const claims = report.expectations.map((e) => `  ${e.status.padEnd(7)} claim ${e.expectation}${e.reason ? `: ${e.reason}` : ''}`);
  return `${report.file}${shrunk ? ` (from ${shrunk})` : ''}\n${[...report.results.map((r) => line(r, width)), ...claims].join('\n')}\n`;
}

/** Whether every property passed or was skipped. */
export function reportPassed(report: ModelReport): boolean {
  return report.results.every((r) => r.status !== 'failed') && report.expectations.every((e) => e.status !== 'failed');
}
