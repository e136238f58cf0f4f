// Flag definitions shared by the commands and their usage text, and their parsing with node:util.
import { parseArgs } from 'node:util';
import { UsageError } from '@tdl/runtime';

export interface FlagSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder for the value in the usage text (`N`, `FILE`). */
  readonly value?: string;
  /** The default as the usage text shows it. */
  readonly default?: string;
  readonly multiple?: boolean;
  readonly doc: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly args: string;
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
}

export const SET_FLAG: FlagSpec = {
  name: 'set',
  type: 'string',
  value: 'NAME=VALUE',
  multiple: true,
  doc: "override one of the model's constants (repeatable)",
};

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { help: { type: 'boolean' } };
  for (const f of spec.flags) options[f.name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}) };
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/^Unknown option/, 'unknown option')}\nrun 'tdl ${spec.name} --help' for its flags`);
  }
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function numberFlag(args: ParsedArgs, name: string, fallback: number, check: { integer?: boolean; min?: number } = {}): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || (check.integer && !Number.isSafeInteger(value)) || (check.min !== undefined && value < check.min)) {
    const what = check.integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${what}${check.min !== undefined ? ` of at least ${check.min}` : ''}, got '${raw}'`);
  }
  return value;
}

/** `--set d=1024 --set layers=2` → { d: 1024, layers: 2 }. */
export function overrides(args: ParsedArgs): Record<string, number> {
  const out: Record<string, number> = {};
  const raw = args.values['set'];
  for (const item of Array.isArray(raw) ? raw : []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(item);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new UsageError(`--set takes NAME=NUMBER, got '${item}'`);
    out[m[1]!] = value;
  }
  return out;
}

/** `1,2,3` → [1, 2, 3]. */
export function parseIds(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const ids = parts.map(Number);
  const bad = parts.find((p, i) => p === '' || !Number.isInteger(ids[i]));
  if (bad !== undefined) throw new UsageError(`--ids takes whole numbers separated by commas, got '${bad}' in '${raw}'`);
  return ids;
}

export function usageOf(spec: CommandSpec): string {
  const rows = [...spec.flags, { name: 'help', type: 'boolean' as const, doc: 'show this help' }].map((f) => {
    const head = `  --${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const def = 'default' in f && f.default !== undefined ? ` (default: ${f.default})` : '';
    return `${head.padEnd(28)} ${f.doc}${def}`;
  });
  return `usage: tdl ${spec.name} ${spec.args}\n\n${spec.summary}\n\nflags:\n${rows.join('\n')}\n`;
}
