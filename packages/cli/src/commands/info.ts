// tdl info: parameters, FLOPs per token, KV-cache and weight memory, as a table or JSON.
import { analyze } from '@tdl/compiler';
import { SET_FLAG, boolFlag, numberFlag, overrides, type CommandSpec, type ParsedArgs } from '../flags.js';
import type { CliIO } from '../io.js';
import { loadGraph, requireFile } from '../model.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  args: 'FILE',
  summary: 'Show what a model costs: parameters (total and per component), FLOPs per token, KV cache and weight memory.',
  flags: [
    { name: 'context', type: 'string', value: 'N', default: "the model's context", doc: 'context length for FLOPs and the full KV cache' },
    { name: 'json', type: 'boolean', doc: 'print JSON instead of a table' },
    SET_FLAG,
  ],
};

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export function bytes(x: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i ? x.toFixed(2) : x} ${units[i]}`;
}

export async function runInfo(args: ParsedArgs, io: CliIO): Promise<number> {
  const file = requireFile(args.positionals, 'info');
  const graph = loadGraph(io, file, overrides(args));
  const context = numberFlag(args, 'context', 0, { integer: true, min: 1 });
  const info = analyze(graph, context ? { context } : {});
  if (boolFlag(args, 'json')) {
    io.stdout.write(JSON.stringify(info, null, 2) + '\n');
    return 0;
  }
  const c = info.costs;
  const rows: [string, string][] = [
    ['model', `${info.name} (${file})`],
    ['vocabulary', n(info.vocab)],
    ['context', n(info.context)],
    ['parameters', n(info.params.total)],
    ...info.params.byComponent.map(({ component, count }): [string, string] => [`  ${component}`, n(count)]),
    [`FLOPs/token, decode at ${n(c.context)}`, n(c.decodeFlopsPerToken)],
    [`FLOPs/token, prefill of ${n(c.context)}`, n(c.prefillFlopsPerToken)],
    ['KV cache per token (f32)', bytes(c.kvBytesPerToken)],
    [`KV cache at ${n(c.context)} tokens (f32)`, bytes(c.kvBytesFullContext)],
    ...(c.crossKvBytesPerMemoryPosition ? [['cross KV per memory row (f32)', bytes(c.crossKvBytesPerMemoryPosition)] as [string, string]] : []),
    ['weights f32', bytes(info.weightBytes.f32)],
    ['weights f16 / bf16', bytes(info.weightBytes.f16)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  io.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  return 0;
}
