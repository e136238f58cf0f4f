// Flag definitions shared by the commands and their usage text, and their parsing with node:util.
import { parseArgs } from 'node:util';
import { closestMatch } from '@tdl/dsl';
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

/**
 * Parses a command's arguments with node:util's parseArgs, after a first pass that finds what it would
 * reject and says so in tdl's words: an unknown flag (with the closest known one), a flag missing its
 * value, a value given to a switch. A negative number after a flag is that flag's value (`--seed -1`),
 * so its range check, not the parser, answers. `others`: every command's spec, so a flag given to the
 * wrong command can say where it belongs.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[], others: readonly CommandSpec[] = []): ParsedArgs {
  const flags = new Map<string, FlagSpec>([...spec.flags, HELP_FLAG].map((f) => [f.name, f]));
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const f of flags.values()) options[f.name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}) };
  const args = normaliseArgs(spec, flags, argv, others);
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    // normaliseArgs rejects everything parseArgs does; this is the net under it.
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (${helpHint(spec)})`);
  }
}

const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', doc: 'show this help' };
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

function helpHint(spec: CommandSpec): string {
  return `'tdl ${spec.name} --help' lists its flags`;
}

/** Checks each flag against the command's specs and rewrites `--flag -5` as `--flag=-5`. */
function normaliseArgs(spec: CommandSpec, flags: ReadonlyMap<string, FlagSpec>, argv: readonly string[], others: readonly CommandSpec[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === '-h') {
      out.push('--help');
      continue;
    }
    if (!arg.startsWith('-') || arg === '-' || NEGATIVE_NUMBER.test(arg)) {
      out.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const flag = arg.startsWith('--') ? flags.get(name) : undefined;
    if (!flag) throw new UsageError(`${unknownFlag(spec, flags, arg.slice(0, eq < 0 ? undefined : eq), others)} (${helpHint(spec)})`);
    if (flag.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} is a switch and takes no value, got '${arg}'`);
      out.push(arg);
      continue;
    }
    if (eq >= 0) {
      out.push(arg);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || (value.startsWith('-') && value !== '-' && !NEGATIVE_NUMBER.test(value))) {
      throw new UsageError(`--${name} needs a value (${flag.value ?? 'VALUE'})${value !== undefined ? `, got the flag '${value}'` : ''}`);
    }
    out.push(`--${name}=${value}`);
    i++;
  }
  return out;
}

function unknownFlag(spec: CommandSpec, flags: ReadonlyMap<string, FlagSpec>, written: string, others: readonly CommandSpec[]): string {
  const bare = written.replace(/^-+/, '');
  const names = [...flags.keys()];
  // A prefix of exactly one flag (`--temp`) or a near spelling (`--temprature`).
  const byPrefix = bare.length >= 2 ? names.filter((n) => n.startsWith(bare)) : [];
  const guess = byPrefix.length === 1 ? byPrefix[0] : closestMatch(bare, names);
  const elsewhere = guess ? undefined : commandsWithFlag(bare, others);
  const hint = guess ? `; did you mean --${guess}?` : elsewhere ? `; it is a flag of ${elsewhere}` : '';
  return `unknown flag '${written}' for tdl ${spec.name}${hint}`;
}

function commandsWithFlag(name: string, others: readonly CommandSpec[]): string | undefined {
  const owners = others.filter((s) => s.flags.some((f) => f.name === name)).map((s) => `tdl ${s.name}`);
  return owners.length ? owners.join(', ') : undefined;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** The range a number flag accepts; whole numbers are also kept to where doubles count exactly. */
export interface NumberRange {
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is not allowed (a top-p of 0 keeps nothing). */
  readonly aboveMin?: boolean;
}

export function numberFlag(args: ParsedArgs, name: string, fallback: number, range: NumberRange = {}): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { integer, min, max, aboveMin } = range;
  const fits =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    (!integer || Number.isSafeInteger(value)) &&
    (min === undefined || (aboveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!fits) throw new UsageError(`--${name} must be ${describeRange(range)}, got '${raw}'`);
  return value;
}

function describeRange({ integer, min, max, aboveMin }: NumberRange): string {
  const what = integer ? 'a whole number' : 'a number';
  if (min !== undefined && max !== undefined) return `${what} ${aboveMin ? 'above' : 'from'} ${min}${aboveMin ? ' and up' : ''} to ${max}`;
  if (min !== undefined) return `${what} ${aboveMin ? 'above' : 'of at least'} ${min}`;
  if (max !== undefined) return `${what} of at most ${max}`;
  return what;
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

/** `1,2,3` → [1, 2, 3]; `flag` names the flag in the message. */
export function parseIds(raw: string, flag = 'ids'): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const ids = parts.map(Number);
  const bad = parts.find((p, i) => p === '' || !Number.isSafeInteger(ids[i]) || ids[i]! < 0);
  if (bad !== undefined) throw new UsageError(`--${flag} takes token ids (whole numbers, 0 or more) separated by commas, got '${bad}' in '${raw}'`);
  return ids;
}

/** `plural(1, 'token')` → `1 token`, `plural(2, 'token')` → `2 tokens`. */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function usageOf(spec: CommandSpec): string {
  const rows = [...spec.flags, HELP_FLAG].map((f) => {
    const head = `  --${f.name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
    const def = 'default' in f && f.default !== undefined ? ` (default: ${f.default})` : '';
    return `${head.padEnd(28)} ${f.doc}${def}`;
  });
  return `usage: tdl ${spec.name} ${spec.args}\n\n${spec.summary}\n\nflags:\n${rows.join('\n')}\n`;
}
