// Reads a Hugging Face config.json through a model file's config section: the constants it gives, and
// the settings the file cannot compute (an activation it does not have, a different inner width).
import type { ConstantValue } from '../lower/model.js';
import { asConstant, evalConfigExpr, isError, sameValue, showValue, type ConfigValue } from './values.js';
import { TIED, type ConfigRule, type ConfigSection } from './rules.js';

export interface ConfigReading {
  /** The constants config.json (or the defaults) gives, `given` ones included. */
  readonly values: Readonly<Record<string, ConstantValue>>;
  /** Where each constant came from, for messages: `hidden_size`, `default`, `--set`. */
  readonly origins: Readonly<Record<string, string>>;
  /** Whether the head is tied to the embedding (the section's `tied` rule); undefined without one. */
  readonly tied?: boolean;
  /** Settings the model file cannot follow, each a sentence; empty when the config fits. */
  readonly problems: readonly string[];
}

/**
 * The value at a dotted key path: null when the key holds null, undefined when it is absent. An object,
 * or a list of other things than numbers, comes back as its JSON text, which no constant takes.
 */
function lookup(json: unknown, path: readonly string[]): { value: ConfigValue; structured: boolean } | undefined {
  let at: unknown = json;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.prototype.hasOwnProperty.call(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  if (at === undefined) return undefined;
  if (at === null) return { value: null, structured: false };
  if (typeof at === 'number' || typeof at === 'string' || typeof at === 'boolean') return { value: at, structured: false };
  if (Array.isArray(at) && at.every((v) => typeof v === 'number')) return { value: at as number[], structured: false };
  return { value: JSON.stringify(at), structured: true };
}

function found(json: unknown, rule: ConfigRule): { key: string; value: ConfigValue; structured: boolean } | undefined {
  for (const path of rule.keys) {
    const hit = lookup(json, path);
    if (hit !== undefined) return { key: path.join('.'), ...hit };
  }
  return undefined;
}

function keyList(rule: ConfigRule): string {
  return rule.keys.map((k) => k.join('.')).join(' or ');
}

/**
 * Applies `section` to the parsed config.json `json`. `given` (from --set or a preset) wins over the
 * config and feeds the defaults that follow it. Rules run in order, so a default may use earlier constants.
 */
export function readConfig(section: ConfigSection, json: unknown, given: Readonly<Record<string, ConstantValue>> = {}): ConfigReading {
  const env = new Map<string, ConstantValue>(Object.entries(given));
  const origins: Record<string, string> = {};
  for (const name of env.keys()) origins[name] = '--set';
  const problems: string[] = [];
  let tied: boolean | undefined;
  for (const rule of section.rules) {
    const hit = found(json, rule);
    let value: ConfigValue | undefined = hit?.value;
    let origin = hit?.key;
    // A null is the setting's "off" where the rule says what that is, else the same as absent.
    if (value === null && rule.ifNull) {
      const v = evalConfigExpr(rule.ifNull, env);
      if (isError(v)) {
        problems.push(`the value for a null ${keyList(rule)} cannot be computed: ${v.error}`);
        continue;
      }
      value = v;
    } else if (value === null) value = undefined;
    if (value === undefined && rule.default) {
      const d = evalConfigExpr(rule.default, env);
      if (isError(d)) {
        problems.push(`the default of ${keyList(rule)} cannot be computed: ${d.error}`);
        continue;
      }
      value = d;
      origin = `default of ${keyList(rule)}`;
    }
    if (rule.expect && value !== undefined) {
      const allowed = rule.expect.map((e) => evalConfigExpr(e, env));
      const ok = allowed.some((a) => !isError(a) && sameValue(a, value!));
      if (!ok) {
        const shown = allowed.map((a) => (isError(a) ? '?' : showValue(a))).join(' or ');
        problems.push(`config.json sets ${keyList(rule)} = ${showValue(value)}, but the model file computes ${shown}`);
        continue;
      }
    }
    const constant = rule.constant;
    if (constant === TIED) {
      if (typeof value === 'boolean') tied = value;
      else if (value !== undefined) problems.push(`config.json's ${keyList(rule)} is ${showValue(value)}, not true or false`);
      continue;
    }
    if (constant === undefined || env.has(constant)) continue;
    if (value === undefined) {
      problems.push(`config.json has no ${keyList(rule)} (it gives '${constant}')`);
      continue;
    }
    const given = hit?.structured ? undefined : asConstant(value);
    if (given === undefined) {
      problems.push(`config.json's ${keyList(rule)} is ${showValue(value)}, not a number, a string or a list of numbers (it gives '${constant}')`);
      continue;
    }
    env.set(constant, given);
    origins[constant] = origin!;
  }
  return { values: Object.fromEntries(env), origins, problems, ...(tied !== undefined ? { tied } : {}) };
}

/** Does `section` claim the folder whose config.json is `json`? By `architectures` first, then `model_type`. */
export function claimStrength(section: ConfigSection, json: unknown): 0 | 1 | 2 {
  const obj = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const archs = Array.isArray(obj['architectures']) ? obj['architectures'].filter((a): a is string => typeof a === 'string') : [];
  if (archs.some((a) => section.claims.architectures.includes(a))) return 2;
  return typeof obj['model_type'] === 'string' && section.claims.modelTypes.includes(obj['model_type']) ? 1 : 0;
}
