// tdl info: parameters, FLOPs per token, KV-cache and weight memory, as a table or JSON.
import { analyze, countParams, type ModelInfo } from '@tdl/compiler';
import { SET_FLAG, boolFlag, numberFlag, type CommandSpec, type ParsedArgs } from '../flags.js';
import { PRESET_FLAG, resolveTarget } from '../folder.js';
import type { CliIO } from '../io.js';
import { checkFile, loadModel, requireFile } from '../model.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  args: 'FILE|DIR',
  summary: 'Show what a model costs: parameters (total and per component), FLOPs per token, KV cache and weight memory.',
  flags: [
    { name: 'context', type: 'string', value: 'N', default: "the model's context", doc: 'context length for FLOPs and the full KV cache' },
    { name: 'memory-length', type: 'string', value: 'S', default: "the memory's bound, else the context", doc: 'memory rows for cross-attention FLOPs' },
    { name: 'json', type: 'boolean', doc: 'print JSON instead of a table' },
    { name: 'presets', type: 'boolean', doc: 'list the published sizes the model file names, with their parameters' },
    PRESET_FLAG,
    SET_FLAG,
  ],
};

export async function runInfo(args: ParsedArgs, io: CliIO): Promise<number> {
  const target = resolveTarget(requireFile(args.positionals, 'info'), args);
  const file = target.file;
  const context = numberFlag(args, 'context', 0, { integer: true, min: 1 });
  const memoryLength = numberFlag(args, 'memory-length', 0, { integer: true, min: 1 });
  if (boolFlag(args, 'presets')) return listPresets(io, file, args);
  const { graph } = loadModel(io, file, target.overrides);
  const info = analyze(graph, { ...(context ? { context } : {}), ...(memoryLength ? { memoryLength } : {}) });
  io.stdout.write(boolFlag(args, 'json') ? JSON.stringify({ file, ...info }, null, 2) + '\n' : formatInfo(info, file));
  return 0;
}

/** `tdl info FILE --presets`: each preset with its parameter count, one a line (or JSON). */
function listPresets(io: CliIO, file: string, args: ParsedArgs): number {
  const checked = checkFile(io, file, {}, false);
  const rows = checked.presets.map((p) => {
    const graph = checkFile(io, file, p.values, false).graph;
    return { name: p.name, params: graph ? countParams(graph).total : undefined, sets: p.values };
  });
  if (boolFlag(args, 'json')) io.stdout.write(JSON.stringify({ file, presets: rows }, null, 2) + '\n');
  else if (!rows.length) io.stdout.write(`${file} names no presets\n`);
  else {
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      const sets = Object.entries(r.sets).map(([k, v]) => `${k}=${v}`).join(' ');
      io.stdout.write(`${r.name.padEnd(width)}  ${r.params !== undefined ? exact(r.params).padStart(15) : 'has errors'.padStart(15)} parameters  ${sets || '(the file\'s own values)'}\n`);
    }
  }
  return 0;
}

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
