// "The folder is the model": a Hugging Face folder (config.json, weights, generation_config.json) picks
// its model file among models/ by the claims of the files' config sections, and gives its constants.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claimStrength, modelSettings, readConfig, type ConfigSection, type ConstantValue, type Preset } from '@tdl/compiler';
import { UsageError } from '@tdl/runtime';
import { overrides, stringFlag, type FlagSpec, type ParsedArgs } from './flags.js';
import { readText } from './io.js';
import type { LoadFacts } from './session.js';

export const PRESET_FLAG: FlagSpec = {
  name: 'preset',
  type: 'string',
  value: 'NAME',
  doc: "a published size the model file names ('tdl info FILE --presets' lists them); --set wins over it",
};

/** Token ids a folder's generation_config.json (or config.json) gives. */
export interface GenerationIds {
  readonly eos: readonly number[];
  readonly bos?: number;
  readonly decoderStart?: number;
}

/** What a command works on: a model file, the constants to set, and the folder it came from. */
export interface ModelTarget {
  readonly file: string;
  readonly overrides: Record<string, ConstantValue>;
  /** The Hugging Face folder: the positional argument, or --weights when it holds config.json. */
  readonly folder?: string;
  readonly generation?: GenerationIds;
  /** Whether config.json ties the head to the embedding (the config section's `tied` rule). */
  readonly tied?: boolean;
  /** Whether the model file has a config section (so a config.json could give its sizes). */
  readonly hasConfig?: boolean;
  /** The GGUF file given as the model (see gguf.ts): its weights too. */
  readonly gguf?: string;
  /** That file's tokenizer.ggml.model: a tokenizer it carries, which tdl does not read yet. */
  readonly ggufTokenizer?: string;
}

/** The model library: $TDL_MODELS, else the repository's models/ (three folders above this module). */
export function modelsDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env['TDL_MODELS'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../models');
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON`);
  }
}

interface Claimant {
  readonly file: string;
  readonly section: ConfigSection;
}

/** A library path as messages show it: relative to the working folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function library(dir: string): Claimant[] {
  if (!isDir(dir)) throw new UsageError(`the model library ${dir} is not a folder (set TDL_MODELS to the folder of .tdl files)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tdl'))
    .sort()
    .flatMap((f) => {
      const file = shown(join(dir, f));
      return modelSettings({ name: file, text: readText(file) }).configs.map((section) => ({ file, section }));
    });
}

/** The model file of the library that claims the folder whose config.json is `json`. */
export function claimFolder(folder: string, json: unknown, dir = modelsDir()): Claimant {
  const claimants = library(dir);
  let best: Claimant | undefined;
  let strength = 0;
  for (const c of claimants) {
    const s = claimStrength(c.section, json);
    if (s > strength) [best, strength] = [c, s];
  }
  if (best) return best;
  const obj = (json ?? {}) as Record<string, unknown>;
  const type = typeof obj['model_type'] === 'string' ? `model_type '${obj['model_type']}'` : 'no model_type';
  const families = [...new Set(claimants.flatMap((c) => c.section.claims.modelTypes))].sort();
  throw new UsageError(`no model file in ${dir} claims ${folder} (${type}); the families there: ${families.join(', ')}`);
}

function idList(v: unknown): number[] {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return [v];
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === 'number' && Number.isSafeInteger(x));
  return [];
}

/** eos / bos / decoder-start ids from generation_config.json, falling back on config.json's. */
export function generationIds(folder: string, config: unknown): GenerationIds {
  const path = join(folder, 'generation_config.json');
  const gen = (existsSync(path) ? readJson(path) : {}) as Record<string, unknown>;
  const cfg = (config ?? {}) as Record<string, unknown>;
  const pick = (key: string) => (gen[key] !== undefined && gen[key] !== null ? gen[key] : cfg[key]);
  const [bos] = idList(pick('bos_token_id'));
  const [start] = idList(pick('decoder_start_token_id'));
  return { eos: idList(pick('eos_token_id')), ...(bos !== undefined ? { bos } : {}), ...(start !== undefined ? { decoderStart: start } : {}) };
}

function findPreset(presets: readonly Preset[], name: string, file: string): Preset {
  const p = presets.find((x) => x.name === name);
  if (p) return p;
  throw new UsageError(`${file} has no preset '${name}' (${presets.length ? `its presets: ${presets.map((x) => x.name).join(', ')}` : 'it names none'})`);
}

/**
 * Resolves a command's model argument: a .tdl file, or a Hugging Face folder whose model file is chosen
 * from the library. Constants: the preset's, then config.json's through the file's config section
 * (when a folder is given, as the argument or as --weights), with --set over both.
 */
export function resolveTarget(positional: string, args: ParsedArgs): ModelTarget {
  const sets = overrides(args);
  const weights = stringFlag(args, 'weights');
  let file = positional;
  let folder: string | undefined;
  let section: ConfigSection | undefined;
  if (isDir(positional)) {
    folder = positional;
    if (!existsSync(join(folder, 'config.json'))) throw new UsageError(`${folder} is a folder without config.json: give a model file, or a Hugging Face folder`);
    const claimant = claimFolder(folder, readJson(join(folder, 'config.json')));
    file = claimant.file;
    section = claimant.section;
  } else if (weights !== undefined && isDir(weights) && existsSync(join(weights, 'config.json'))) folder = weights;
  const settings = modelSettings({ name: file, text: readText(file) });
  // A file whose sections have errors is reported by the check that follows, with the given constants.
  if (settings.diagnostics.length) return { file, overrides: sets };
  const hasConfig = settings.configs.length > 0;
  const presetName = stringFlag(args, 'preset');
  const given = { ...(presetName !== undefined ? findPreset(settings.presets, presetName, file).values : {}), ...sets };
  if (!folder) return { file, overrides: given, hasConfig };
  const configPath = join(folder, 'config.json');
  const config = readJson(configPath);
  if (!section && settings.configs.length) {
    section = settings.configs.find((c) => claimStrength(c, config) > 0);
    if (!section) {
      const obj = (config ?? {}) as Record<string, unknown>;
      const type = typeof obj['model_type'] === 'string' ? `model_type '${obj['model_type']}'` : 'no model_type';
      const claims = settings.configs.flatMap((c) => c.claims.modelTypes).join(', ');
      throw new UsageError(`${configPath} is for another family (${type}); ${file} claims ${claims}: give the folder alone to choose its model file`);
    }
  }
  const generation = generationIds(folder, config);
  if (!section) return { file, overrides: given, folder, generation, hasConfig };
  const reading = readConfig(section, config, given);
  if (reading.problems.length) throw new UsageError(`${configPath} does not fit ${file}: ${reading.problems.join('; ')}`);
  return { file, overrides: { ...reading.values }, folder, generation, hasConfig, ...(reading.tied !== undefined ? { tied: reading.tied } : {}) };
}

/** What loading a checkpoint for `target` needs to know: the head's tie, and how to explain misfit sizes. */
export function loadFacts(target: ModelTarget, text: string): LoadFacts {
  const tied = target.tied !== undefined ? { tied: target.tied } : {};
  return { ...tied, sizes: { file: target.file, text, overrides: target.overrides, hasConfig: target.hasConfig ?? false, ...tied } };
}

/** The checkpoint to read: --weights, else the folder given as the model (when it holds weights). */
export function weightsOf(target: ModelTarget, args: ParsedArgs): string | undefined {
  return stringFlag(args, 'weights') ?? target.gguf ?? target.folder;
}

/** `args` with --weights set to the target's GGUF file, or to its folder when the folder holds weights, when none is given. */
export function withFolderWeights(args: ParsedArgs, target: ModelTarget): ParsedArgs {
  if (target.gguf !== undefined && stringFlag(args, 'weights') === undefined) return { ...args, values: { ...args.values, weights: target.gguf } };
  if (!target.folder || stringFlag(args, 'weights') !== undefined) return args;
  const hasWeights = readdirSync(target.folder).some((f) => f.endsWith('.safetensors') || f.endsWith('.safetensors.index.json'));
  return hasWeights ? { ...args, values: { ...args.values, weights: target.folder } } : args;
}
