// Matches a checkpoint's tensors against a naming's plan: what is missing, unexpected or mis-shaped,
// by stored name; picks the naming a file is written in when none is asked for.
import { UsageError } from '../executor.js';
import type { CheckpointPlan, PlanCopy, PlanTensor } from '../contract/checkpoint.js';
import type { TensorStore } from './store.js';

const FLOAT_TYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export interface NamingFit {
  readonly plan: CheckpointPlan;
  /** For each stored tensor the plan reads, the name it has in the checkpoint. */
  readonly resolved: ReadonlyMap<PlanTensor, string>;
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly misshaped: readonly string[];
  readonly mistyped: readonly string[];
  /** Stored tensors that must equal another (a tied head's copy), checked when they are read. */
  readonly copies: readonly PlanCopy[];
  /** How many of the plan's stored tensors the checkpoint has (to rank namings). */
  readonly found: number;
  readonly ok: boolean;
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** `{x}` in an ignore pattern matches a run of characters without a dot. */
export function ignorePattern(pattern: string): RegExp {
  const parts = pattern.split(/\{[A-Za-z_][A-Za-z0-9_]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^.]+')}$`);
}

/** The names a plan tensor may be read from: for a tie, as the model's configuration decides. */
function candidates(t: PlanTensor, tied: boolean | undefined): readonly string[] {
  if (!t.tie || tied === undefined) return t.names;
  return tied ? [t.names[1]!] : [t.names[0]!];
}

function missingText(t: PlanTensor, tied: boolean | undefined): string {
  if (t.tie && tied === false) return `${t.names[0]} ${fmt(t.shape)} (the configuration unties the head from ${t.names[1]}, so the head is stored apart)`;
  const names = candidates(t, tied);
  const alternatives = names.length > 1 ? ` (or ${names.slice(1).join(', or ')})` : '';
  return `${names[0]} ${fmt(t.shape)}${alternatives}`;
}

/**
 * `tied`: whether the model's configuration ties its head to its embedding (config.json's
 * tie_word_embeddings), for `tied(…)` sources; undefined when no configuration says.
 */
export function fitNaming(plan: CheckpointPlan, store: TensorStore, tied?: boolean): NamingFit {
  const resolved = new Map<PlanTensor, string>();
  const used = new Set<string>();
  const missing = new Map<string, string>();
  const misshaped = new Map<string, string>();
  const mistyped = new Map<string, string>();
  const copies: PlanCopy[] = [];
  let found = 0;
  for (const entry of plan.entries) {
    const tensors = entry.source.kind === 'tensor' ? [entry.source.tensor] : entry.source.parts;
    for (const t of tensors) {
      const name = candidates(t, tied).find((n) => store.tensors.has(n));
      if (name === undefined) {
        missing.set(t.names[0]!, missingText(t, tied));
        continue;
      }
      // A tied model reads the embedding; a head stored beside it must be its copy.
      if (t.tie && tied === true && store.tensors.has(t.names[0]!)) {
        copies.push({ copy: t.names[0]!, of: name });
        used.add(t.names[0]!);
      }
      found++;
      resolved.set(t, name);
      used.add(name);
      const stored = store.tensors.get(name)!.entry;
      if (!FLOAT_TYPES.has(stored.dtype)) mistyped.set(name, `${name} is ${stored.dtype}`);
      else if (fmt(stored.shape) !== fmt(t.shape)) misshaped.set(name, `${name}: expected ${fmt(t.shape)}, found ${fmt(stored.shape)}`);
    }
  }
  for (const c of plan.copies ?? []) {
    if (!store.tensors.has(c.copy) || !store.tensors.has(c.of)) continue;
    copies.push(c);
    used.add(c.copy);
  }
  const ignore = plan.ignore.map(ignorePattern);
  const unexpected = [...store.tensors.keys()].filter((n) => !used.has(n) && !ignore.some((re) => re.test(n)));
  return {
    plan,
    resolved,
    missing: [...missing.values()],
    unexpected: unexpected.map((n) => `${n} ${fmt(store.tensors.get(n)!.entry.shape)}`),
    misshaped: [...misshaped.values()],
    mistyped: [...mistyped.values()],
    copies,
    found,
    ok: missing.size === 0 && unexpected.length === 0 && misshaped.size === 0 && mistyped.size === 0,
  };
}

export interface ChooseOptions {
  /** The model's name, for messages. */
  readonly model: string;
  /** A naming asked for by name (`--naming hf`); otherwise the one that fits. */
  readonly naming?: string;
  /** Whether the model's configuration ties the head to the embedding (see fitNaming). */
  readonly tied?: boolean;
}

/** The naming the checkpoint is written in; a UsageError listing every problem if none fits. */
export function chooseNaming(plans: readonly CheckpointPlan[], store: TensorStore, options: ChooseOptions): NamingFit {
  const names = plans.map((p) => p.naming).join(', ');
  if (options.naming !== undefined) {
    const plan = plans.find((p) => p.naming === options.naming);
    if (!plan) throw new UsageError(`model '${options.model}' has no checkpoint naming '${options.naming}' (its namings: ${names})`);
    const fit = fitNaming(plan, store, options.tied);
    if (!fit.ok) throw new UsageError(describeMisfit(fit, store, options.model, plan.naming));
    return fit;
  }
  const fits = plans.map((p) => fitNaming(p, store, options.tied));
  const good = fits.find((f) => f.ok);
  if (good) return good;
  const best = fits.reduce((a, b) => (b.found > a.found ? b : a));
  const hint = plans.length > 1 ? `\n(no naming of the model fits the file; the closest is '${best.plan.naming}'. Its namings: ${names}; choose one with --naming)` : '';
  throw new UsageError(describeMisfit(best, store, options.model, best.plan.naming) + hint);
}

/** One message listing every missing, unexpected and mis-shaped tensor, by stored name. */
export function describeMisfit(fit: NamingFit, store: TensorStore, model: string, naming: string): string {
  const lines: string[] = [];
  const list = (what: string, items: readonly string[]) => {
    if (items.length) lines.push(`${what} ${items.length} tensor${items.length > 1 ? 's' : ''}: ${listSome(items)}`);
  };
  list('missing', fit.missing);
  list('unexpected', fit.unexpected);
  list('wrong shape for', fit.misshaped);
  list('wrong type (weights are F32, F16, BF16 or F64) for', fit.mistyped);
  return `${store.label} does not fit this model ('${model}', naming '${naming}'):\n  ${lines.join('\n  ')}`;
}

function listSome(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} … and ${items.length - max} more` : shown;
}
