// The `tdl info` table: parameters per component, FLOPs per token and memory, laid out as text.
// Shared by the CLI and the browser playground, so both show the same figures the same way.
import type { ModelInfo } from '@tdl/compiler';

/**
 * 124439808 → "124,439,808". Past 2^53 − 1 a double no longer holds every whole number, so its digits
 * would be partly invented: such a count shows five significant digits, "≈ 1.8447e+19".
 */
export function exact(x: number): string {
  const whole = Math.round(x);
  return Number.isSafeInteger(whole) ? whole.toLocaleString('en-US') : `≈ ${x.toPrecision(5)}`;
}

/** 124439808 → "124.4 M": counts in SI steps. */
export function approx(x: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return i ? `${x.toFixed(1)} ${units[i]}` : String(Math.round(x));
}

/** 75497472 → "72.00 MiB": bytes in binary steps. */
export function bytes(x: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return i ? `${x.toFixed(2)} ${units[i]}` : `${x} B`;
}

type Row = readonly string[];

/** Lays out sections of rows: the first column left-aligned, the others right-aligned, one width per column across the whole table. */
function table(sections: readonly { title: Row; rows: readonly Row[] }[]): string {
  const all = sections.flatMap((s) => [s.title, ...s.rows]);
  const columns = Math.max(...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...all.map((r) => r[c]?.length ?? 0)));
  const line = (r: Row) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[c]!))).join('   ').trimEnd();
  return sections.map((s) => [line(s.title), ...s.rows.map(line)].join('\n')).join('\n\n') + '\n';
}

export function formatInfo(info: ModelInfo, file: string): string {
  const { params, costs, kvCache, weightBytes } = info;
  const share = (count: number) => `${((100 * count) / Math.max(1, params.total)).toFixed(1)}%`;
  const head = `model ${info.name} (${file}): vocabulary ${exact(info.vocab)}, context ${exact(info.context)} tokens\n\n`;
  const compute: Row[] = [
    ['  decode, one token', exact(costs.decodeFlopsPerToken), approx(costs.decodeFlopsPerToken)],
    ['  prefill, per prompt token', exact(costs.prefillFlopsPerToken), approx(costs.prefillFlopsPerToken)],
  ];
  if (costs.memoryFlopsPerRow) compute.push(['  memory, per row (once)', exact(costs.memoryFlopsPerRow), approx(costs.memoryFlopsPerRow)]);
  const memory: Row[] = [
    ['  weights', bytes(weightBytes.f32), bytes(weightBytes.f16)],
    ['  KV cache per token', bytes(kvCache.perToken.f32), bytes(kvCache.perToken.f16)],
    [`  KV cache at ${exact(costs.context)} tokens`, bytes(kvCache.fullContext.f32), bytes(kvCache.fullContext.f16)],
  ];
  if (costs.crossKvBytesPerMemoryPosition) {
    const cross = costs.crossKvBytesPerMemoryPosition;
    memory.push(['  cross-attention KV per memory row', bytes(cross), bytes(cross / 2)]);
  }
  return (
    head +
    table([
      {
        title: ['parameters', exact(params.total), approx(params.total), '100%'],
        rows: params.byComponent.map(({ component, count }) => [`  ${component}`, exact(count), approx(count), share(count)]),
      },
      { title: [`FLOPs at a context of ${exact(costs.context)}`, 'per token', ''], rows: compute },
      { title: ['memory', 'f32', 'f16 / bf16'], rows: memory },
    ])
  );
}
